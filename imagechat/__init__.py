"""ImageChat: a chat app in which the assistant creates images."""

import os

# litellm fetches its model price map from GitHub at import unless told to use its bundled copy;
# this machine (and many deployments) has no internet, and the fetch delays start-up.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_LOG", "ERROR")
