"""Words and patterns the demo uses to read image requests (see parser.py)."""

from __future__ import annotations

import re
from typing import Final

NUMBER_WORDS: Final[dict[str, int]] = {
    "one": 1,
    "single": 1,
    "a single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a pair of": 2,
    "pair of": 2,
    "a few": 3,
    "few": 3,
    "several": 4,
    "a dozen": 12,
    "dozen": 12,
}

# Nouns that only say "how many pictures": removed from the prompt with the count.
GENERIC_NOUNS: Final = (
    "variations",
    "variation",
    "versions",
    "version",
    "images",
    "image",
    "pictures",
    "picture",
    "pics",
    "pic",
    "options",
    "option",
    "variants",
    "variant",
    "takes",
    "take",
    "alternatives",
    "alternative",
    "renders",
    "render",
    "renderings",
    "ones",
    "copies",
    "iterations",
    "samples",
    "shots",
)
# Nouns that are part of the subject: the count goes, the noun stays (in the singular).
SUBJECT_NOUNS: Final[dict[str, str]] = {
    "logos": "logo",
    "logo": "logo",
    "icons": "icon",
    "icon": "icon",
    "illustrations": "illustration",
    "illustration": "illustration",
    "drawings": "drawing",
    "drawing": "drawing",
    "paintings": "painting",
    "painting": "painting",
    "photos": "photo",
    "photo": "photo",
    "designs": "design",
    "design": "design",
    "sketches": "sketch",
    "sketch": "sketch",
    "posters": "poster",
    "poster": "poster",
    "wallpapers": "wallpaper",
    "wallpaper": "wallpaper",
    "avatars": "avatar",
    "avatar": "avatar",
    "stickers": "sticker",
    "sticker": "sticker",
    "banners": "banner",
    "banner": "banner",
    "concepts": "concept",
    "concept": "concept",
    "mockups": "mockup",
    "mockup": "mockup",
    "diagrams": "diagram",
    "diagram": "diagram",
    "emblems": "emblem",
    "emblem": "emblem",
}

_NUM_ALT: Final = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NOUN_ALT: Final = "|".join(sorted({*GENERIC_NOUNS, *SUBJECT_NOUNS}, key=len, reverse=True))
_COUNT_ADJ: Final = (
    r"(?:(?:different|more|new|distinct|unique|alternative|other|separate|extra)\s+)*"
)
COUNT_RE: Final = re.compile(
    rf"\b(?P<num>\d{{1,3}}|{_NUM_ALT})\s+{_COUNT_ADJ}(?P<noun>{_NOUN_ALT})\b(?P<of>\s+of\b)?",
    re.IGNORECASE,
)
OF_THEM_RE: Final = re.compile(
    rf"\b(?P<num>\d{{1,3}}|{_NUM_ALT})\s+of\s+(?:them|those|these)\b", re.IGNORECASE
)
ONE_MORE_RE: Final = re.compile(
    r"\b(?:another\s+(?:one|image|picture|version|variation|take)|one\s+more)\b", re.IGNORECASE
)
SOME_VARIATIONS_RE: Final = re.compile(
    r"\b(?:(?:some|a\s+few|few|more|several)\s+)?"
    r"(?:variations|variants|versions|alternatives)\b(?P<of>\s+of\b)?",
    re.IGNORECASE,
)

SIZE_RE: Final = re.compile(
    r"(?:\b(?:at|in|with|of|size|sized)\s+)?(?:(?:a\s+)?size\s+(?:of\s+)?)?"
    r"\b(?P<w>\d{2,4})\s*(?:x|×|\*|by)\s*(?P<h>\d{2,4})\b(?:\s*(?:px|pixels?))?",
    re.IGNORECASE,
)
ASPECT_RATIOS: Final[dict[str, str]] = {
    "1:1": "1024x1024",
    "16:9": "1792x1024",
    "9:16": "1024x1792",
    "3:2": "1536x1024",
    "2:3": "1024x1536",
    "4:3": "1536x1024",
    "3:4": "1024x1536",
}
ASPECT_RE: Final = re.compile(
    r"(?:\b(?:in|at|with)\s+)?(?:an?\s+)?\b(?P<r>1:1|16:9|9:16|3:2|2:3|4:3|3:4)\b"
    r"(?:\s+(?:aspect\s+)?(?:ratio|format))?",
    re.IGNORECASE,
)
ORIENTATIONS: Final[dict[str, str]] = {
    "square": "1024x1024",
    "landscape": "1536x1024",
    "wide": "1536x1024",
    "horizontal": "1536x1024",
    "widescreen": "1792x1024",
    "panoramic": "1792x1024",
    "portrait": "1024x1536",
    "tall": "1024x1536",
    "vertical": "1024x1536",
}
_ORIENT_ALT: Final = "|".join(ORIENTATIONS)
_FORMAT_WORDS: Final = r"format|orientation|mode|aspect(?:\s+ratio)?|size|shape|layout|ratio"
ORIENT_IN_RE: Final = re.compile(
    rf"\b(?:in|as)\s+(?:an?\s+)?(?P<o>{_ORIENT_ALT})"
    rf"(?:\s+(?:{_FORMAT_WORDS}|image|picture|version))?"
    rf"(?=\s*(?:[,.;:!?]|$|\band\b|\bplease\b|\bwith\b|\bthis time\b|\binstead\b))",
    re.IGNORECASE,
)
ORIENT_FORMAT_RE: Final = re.compile(
    rf"(?:\b(?:in|as|with)\s+)?(?:an?\s+)?\b(?P<o>{_ORIENT_ALT})\s+(?:{_FORMAT_WORDS})\b",
    re.IGNORECASE,
)
ORIENT_CLAUSE_RE: Final = re.compile(  # "..., square" / "..., landscape, ..."
    rf"(?:^|,)\s*(?P<o>{_ORIENT_ALT})\s*(?=,|$|\.)", re.IGNORECASE
)
WIDESCREEN_RE: Final = re.compile(r"\b(?:in\s+)?(?P<o>widescreen|panoramic)\b", re.IGNORECASE)

QUALITY_PATTERNS: Final[tuple[tuple[re.Pattern[str], str, bool], ...]] = (
    # (pattern, quality, remove from the prompt)
    (re.compile(r"\bquality\s*[:=]?\s*(?P<q>high|medium|low|auto)\b", re.I), "", True),
    (
        re.compile(
            r"(?:\bin\s+)?\b(?:very\s+)?(?:high|highest|best|top|max(?:imum)?|ultra|hi)"
            r"[\s-]+(?:quality|detail|res(?:olution)?|definition|fidelity)\b",
            re.I,
        ),
        "high",
        True,
    ),
    (re.compile(r"\b(?:hd|hq|uhd|[48]k)\b", re.I), "high", True),
    (
        re.compile(r"\b(?:highly[\s-]+|very\s+|ultra[\s-]+|extremely\s+|more\s+)?detailed\b", re.I),
        "high",
        False,
    ),
    (
        re.compile(
            r"(?:\bin\s+)?\b(?:medium|standard|normal|average|mid)[\s-]+"
            r"(?:quality|detail|res(?:olution)?)\b",
            re.I,
        ),
        "medium",
        True,
    ),
    (
        re.compile(
            r"(?:\bin\s+)?\b(?:low|lower|lowest|draft|rough)[\s-]+"
            r"(?:quality|detail|res(?:olution)?|effort)\b",
            re.I,
        ),
        "low",
        True,
    ),
    (re.compile(r"\blow[\s-]?res\b", re.I), "low", True),
    (re.compile(r"\b(?:as\s+)?(?:an?\s+)?(?:quick\s+)?draft\b", re.I), "low", True),
    (
        re.compile(
            r"\bquickly\b|\bquick\b(?=\s+(?:sketch|drawing|doodle|draft|render|image"
            r"|picture|version|one|mock))",
            re.I,
        ),
        "low",
        True,
    ),
)

BACKGROUND_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (
        re.compile(
            r"(?:\b(?:with|on|having|and|in)\s+)?(?:an?\s+|the\s+)?\b"
            r"(?:transparent|clear|no|alpha|see[\s-]through)\s+(?:background|bg|backdrop)\b"
            r"|\bwithout\s+(?:an?\s+|the\s+)?(?:background|backdrop)\b"
            r"|\btransparent\s+png\b"
            r"|\b(?:make\s+)?(?:the\s+)?background\s*(?:[:=]|should\s+be|be|is)?\s*transparent\b"
            r"|\bremove\s+the\s+background\b",
            re.I,
        ),
        "transparent",
    ),
    (
        re.compile(
            r"(?:\b(?:with|on|having|and|in)\s+)?(?:an?\s+|the\s+)?\b"
            r"(?:opaque|solid)\s+(?:background|bg|backdrop)\b"
            r"|\bbackground\s*[:=]?\s*opaque\b",
            re.I,
        ),
        "opaque",
    ),
)

# (pattern, canonical style); ambiguous styles need "style"/"look"/… after them.
STYLES: Final[tuple[tuple[str, str], ...]] = (
    (r"water[\s-]?colou?r(?:ed)?", "watercolor"),
    (r"oil[\s-]+paint(?:ing|ed)?|in\s+oils", "oil painting"),
    (r"acrylic", "acrylic painting"),
    (r"pixel[\s-]*art|pixelated|8[\s-]?bit|16[\s-]?bit", "pixel art"),
    (r"pencil[\s-]+(?:sketch|drawing)", "pencil sketch"),
    (r"charcoal(?:\s+(?:sketch|drawing))?", "charcoal sketch"),
    (r"line[\s-]+(?:art|drawing)", "line art"),
    (r"ink[\s-]+(?:sketch|drawing)", "ink sketch"),
    (r"sketch(?:y|ed)?", "sketch"),
    (r"photo[\s-]?realistic|photo[\s-]?real|hyper[\s-]?realistic|realistic", "photorealistic"),
    (r"3d[\s-]+render(?:ing|ed)?|3d|cgi", "3d render"),
    (r"isometric", "isometric"),
    (r"low[\s-]+poly", "low poly"),
    (r"cartoon(?:ish|y)?", "cartoon"),
    (r"anime|manga", "anime"),
    (r"comic[\s-]+book", "comic"),
    (r"pop[\s-]+art", "pop art"),
    (r"flat[\s-]+(?:design|illustration|vector)|vector(?:\s+art)?", "flat design"),
    (r"minimalist(?:ic)?|minimalistic", "minimalist"),
    (r"impressionis[tm]", "impressionist"),
    (r"surreal(?:ist|ism)?", "surrealist"),
    (r"art[\s-]+deco", "art deco"),
    (r"art[\s-]+nouveau", "art nouveau"),
    (r"cyberpunk", "cyberpunk"),
    (r"steampunk", "steampunk"),
    (r"synthwave|vaporwave|retrowave", "synthwave"),
    (r"sepia", "sepia"),
    (r"noir|black[\s-]+and[\s-]+white|monochrome|b&w|gr[ae]yscale", "black and white"),
    (r"vivid(?:\s+colou?rs)?", "vivid"),
    (r"ukiyo[\s-]?e", "ukiyo-e"),
)
AMBIGUOUS_STYLES: Final[tuple[tuple[str, str], ...]] = (
    (r"natural", "natural"),
    (r"minimal", "minimalist"),
    (r"vintage|retro", "vintage"),
    (r"neon", "neon"),
    (r"comic", "comic"),
    (r"cinematic", "cinematic"),
    (r"flat", "flat design"),
    (r"gothic", "gothic"),
    (r"pencil", "pencil sketch"),
    (r"pixel", "pixel art"),
)
# "in a Ghibli style", "in the style of Van Gogh": anything named as a style.
OTHER_STYLE_RE: Final = re.compile(
    r"(?:,\s*)?(?:\b(?:in|with)\s+)?(?:an?\s+|the\s+)?\b(?P<s>[a-z][a-z'-]+)[\s-]+"
    r"(?:style|styled|aesthetic)\b(?!\s+of\b)"
    r"|(?:,\s*)?\bin\s+the\s+style\s+of\s+(?P<of>[^,.;!?]+)",
    re.I,
)
NOT_STYLE_WORDS: Final = frozenset(
    "same this that the a an my your different new any which what other similar another "
    "their his her its our same's".split()
)
STYLE_SUFFIX: Final = (
    r"(?:[\s-]+(?:style|styled|look(?:ing)?|aesthetic|feel|vibe|painting|drawing|illustration"
    r"|art(?:work)?|rendering|render|version))?"
)
STYLE_SUFFIX_REQUIRED: Final = r"[\s-]+(?:style|styled|look|aesthetic|feel|vibe)\b"

STRONG_VERBS: Final = re.compile(
    r"\b(?:draw|paint|sketch|render|illustrate|depict|visuali[sz]e|doodle|imagine|photograph)\b",
    re.I,
)
WEAK_VERBS: Final = re.compile(
    r"\b(?:generate|create|make|design|produce|craft|give\s+me|show\s+me|whip\s+up|come\s+up\s+with)"
    r"\b",
    re.I,
)
IMAGE_NOUNS: Final = re.compile(
    r"\b(?:images?|pictures?|pics?|illustrations?|logos?|icons?|diagrams?|photos?|photographs?"
    r"|drawings?|paintings?|artworks?|wallpapers?|posters?|banners?|avatars?|stickers?"
    r"|sketch(?:es)?|renders?|renderings?|variations?|variants?|thumbnails?|mockups?"
    r"|infographics?|emojis?|clip\s?art|selfies?|memes?|emblems?|graphics?|visuals?)\b",
    re.I,
)
REQUEST_PHRASES: Final = re.compile(
    r"\b(?:can\s+you|could\s+you|would\s+you|will\s+you|please|i\s+want|i\s+need|i'?d\s+like"
    r"|i\s+would\s+like|let'?s\s+see|let\s+me\s+see|give\s+me|show\s+me|need)\b",
    re.I,
)
QUESTION_START: Final = re.compile(
    r"^\s*(?:what|why|how|who|when|where|which|is|are|does|do|did|explain|tell\s+me\s+about"
    r"|define|whats|what's)\b",
    re.I,
)
TEXT_OBJECTS: Final = frozenset(
    "list plan summary email e-mail code function story poem table essay letter script program "
    "recipe joke song outline report schedule query regex class test document paragraph sentence "
    "word tweet post answer explanation translation note notes spreadsheet csv json website app "
    "api sure sense decision choice difference mistake copy lyrics bio biography haiku limerick "
    "speech slogan name names title headline caption description prompt quiz question questions "
    "checklist agenda budget contract invoice resume cv sql database migration".split()
)
EMPTY_SUBJECTS: Final = frozenset(
    "it them this that these those one ones same the same thing again more less image picture "
    "images pictures pic pics version versions variation variations illustration drawing "
    "painting artwork photo graphic".split()
)

LEADING_INSTRUCTION: Final = re.compile(
    r"^\s*(?:please|pls|kindly|hey|hi|hello|ok(?:ay)?|so|now|then|and|also|great|nice|cool"
    r"|thanks|thank\s+you|can\s+you|could\s+you|would\s+you(?:\s+mind)?|will\s+you|you\s+could"
    r"|i\s+(?:want|need|would\s+like|'d\s+like)(?:\s+you)?(?:\s+to)?|i'?d\s+like(?:\s+you)?"
    r"(?:\s+to)?|i\s+want|let'?s(?:\s+see)?|let\s+me\s+see|give\s+me|show\s+me|whip\s+up"
    r"|come\s+up\s+with|generate|create|draw|make|paint|render|design|produce|illustrate"
    r"|sketch|imagine|depict|visuali[sz]e|doodle|craft|photograph|me|us|for\s+me|quickly"
    r"|try|just|go\s+ahead\s+and)\b[\s,:;!.-]*",
    re.I,
)
LEADING_IMAGE_NOUN: Final = re.compile(
    r"^(?:(?:an?|the|some|my)\s+)?(?:new\s+|nice\s+|cool\s+|beautiful\s+)?"
    r"(?:image|picture|pic|illustration|drawing|artwork|art|graphic|visual|rendering|render)s?"
    r"\s*(?:of|showing|depicting|that\s+shows|with|featuring|:|-)\s+",
    re.I,
)
TRAILING_NOISE: Final = re.compile(
    r"(?:[\s,;:.!?-]+|\b(?:please|thanks|thank\s+you|for\s+me|and|with|in|at|of|as|an?"
    r"|the|more|size|sized|style|format|using|by)\b)+$",
    re.I,
)

# Everyday things the demo pictures can show (see things.py), by motif. Words that mean something
# else too are left out or fenced ("van" but not "Van Gogh", "jet" but not "jet black").
THING_WORDS: Final[dict[str, str]] = {
    "lighthouse": r"lighthouses?|light\s+houses?|beacons?",
    "boat": r"boats?|sail\s?boats?|sailing|sails?|yachts?|ships?|steamships?|steamers?|ferry"
    r"|ferries|vessels?|canoes?|kayaks?|dinghy|dinghies|row\s?boats?|schooners?|galleons?"
    r"|catamarans?|tug\s?boats?|freighters?|tankers?|cruise|sloops?|fishing\s+boats?",
    "bird": r"birds?|seagulls?|gulls?|eagles?|hawks?|falcons?|doves?|pigeons?|sparrows?"
    r"|swallows?|crows?|ravens?|parrots?|robins?|bluebirds?|songbirds?|finch(?:es)?"
    r"|hummingbirds?|geese|flock|flying\s+birds?",
    "car": r"cars?|automobiles?|vehicles?|sports\s?cars?|race\s?cars?|racing\s+cars?|taxis?"
    r"|taxicabs?|sedans?|convertibles?|jeeps?|suvs?|hatchbacks?|coupes?|trucks?|lorry"
    r"|lorries|pick-?ups?|vans?(?!\s+gogh)|minivans?|buses|bus|ambulances?|fire\s+engines?"
    r"|campervans?|limousines?|limos?",
    "rocket": r"rockets?|rocket\s?ships?|spaceships?|space\s+ships?|spacecrafts?"
    r"|space\s+shuttles?|starships?",
    "fish": r"fish(?:es)?|goldfish|koi|clownfish|angelfish|swordfish|salmon|trout|tuna"
    r"|piranhas?|guppy|guppies|betta",
    "castle": r"castles?|fortress(?:es)?|palaces?|citadels?|ch[aâ]teaux?",
    "bicycle": r"bicycles?|bikes?|cycling|cyclists?|bmx|tandems?|penny[\s-]farthings?",
    "balloon": r"hot[\s-]?air\s+balloons?|air\s?balloons?|balloons?",
    "butterfly": r"butterfl(?:y|ies)|moths?",
    "cup": r"cups?|mugs?|teacups?|coffee|espresso|lattes?|cappuccinos?|tea|hot\s+chocolate"
    r"|cocoa",
    "book": r"books?|novels?|notebooks?|diary|diaries|journals?|bookshel(?:f|ves)|bookstores?"
    r"|bookshops?|librar(?:y|ies)|reading|textbooks?|storybooks?",
    "airplane": r"air\s?planes?|aeroplanes?|planes?|jets?(?!\s+black)|jetliners?|airliners?"
    r"|aircraft|seaplanes?|biplanes?|airlines?|airports?|aviation",
    "rainbow": r"rainbows?",
    # not drawn themselves: they move the waterline up, for a picture under the sea
    "underwater": r"underwater|under\s+(?:the\s+)?(?:sea|water|ocean|waves)|aquariums?|coral"
    r"|reefs?|fish\s?tanks?|fish\s?bowls?|deep\s+sea|sea\s?(?:bed|floor)|scuba|diving|diver",
}
