// ImageGallery: the images an assistant message created, as a gallery with a full-screen viewer.
//
// A Chainlit 2.12 CustomElement. Chainlit evaluates this file with react-runner (sucrase) and
// resolves imports from a fixed table: react, lucide-react, sonner, @/components/ui/* and a few
// more; react-dom is NOT importable, so the viewer reaches document.body through Radix's
// DialogPortal. The element's props arrive in the global `props`.
//
// Chainlit re-evaluates this file every time the element re-renders (each props update), which
// would give React a new component type and remount everything (closing an open viewer). So the
// implementation is created once per page and cached on `window`; the default export is an
// element of that stable type, and props updates are plain re-renders that keep state.
//
// Styles live in public/imagechat.css (classes `icg-*`): Chainlit's Tailwind CSS is prebuilt, so
// only classes its own UI uses exist.
//
// props: { images: [{ id, status: pending|ready|failed|stopped|interrupted, thumb, width, height,
//          prompt, revised_prompt, model, size, quality, style, cost, elapsed_ms, error, filename,
//          parent_id, lineage?, partial?, partial_index?, partial_total? }], summary?, notes?,
//          gallery_id?, request?, retryable? }
// `stopped`: the person pressed Stop before the image was made (neutral, not a failure).
// `interrupted`: ImageChat stopped (a crash or restart) before the image was made; the app marks
// tiles so when it resumes a conversation whose generation no process runs any more. The gallery
// then says so once and, when `retryable`, offers Retry:
//   Retry       { name: "image_retry", payload: { gallery_id } }
// `partial` (optional): while the image is pending, a data URL ("data:image/...") of its latest
// live preview (a partial image the model streamed); `partial_index` is that preview's 0-based
// index and `partial_total`, when known, how many previews there will be. The pending tile shows
// the preview (data-partial="true" on the tile) with a small "Preview k/K" badge; the ready
// thumbnail replaces it as soon as the image lands.
// `lineage` (optional, e.g. "variation of", "edited from") labels the link to `parent_id` in the
// info panel; without it the label is "Edited from".
//
// Actions (ready images; toolbar, viewer header, keys v / e in the viewer), sent with the global
// `callAction`, which reaches the app's @cl.action_callback:
//   Variations  { name: "image_variations", payload: { image_id } }
//   Edit        { name: "image_edit", payload: { image_id, prompt, mask? } }
// `mask` is there only when the person painted an area in the Edit form ("Select area") and
// submitted with that mode on: a PNG data URL ("data:image/png;base64,...") at the image's real
// size (its props `width` × `height`), opaque black (alpha 255) where the image must stay and fully
// transparent where it may change (OpenAI's mask convention: transparent = the area to edit).
// Without painted strokes the payload is `{ image_id, prompt }`, with no `mask` key.
// In Chainlit 2.12 `callAction(action)` POSTs /project/action and resolves, once the callback has
// returned, to `{ success: true, response: <what the callback returned> }`; it resolves to
// undefined when the page has no session, and rejects on an HTTP error (Chainlit toasts those
// too) or a network error. A callback exception is only logged by Chainlit (still success), so a
// callback reports a failure by returning `{ "error": "message" }`; the gallery toasts it.
// `callAction` is bound to the session of the render that supplied it, so it is passed in as a
// prop on every render (like `apiClient`), never read from the cached closure.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Dialog, DialogPortal } from '@/components/ui/dialog';
import {
  ArrowUp,
  Brush,
  Check,
  CircleStop,
  ChevronLeft,
  ChevronRight,
  Copy,
  Download,
  Eraser,
  GitBranch,
  ImageOff,
  Info,
  LoaderCircle,
  Maximize2,
  Pencil,
  RotateCcw,
  Shuffle,
  TriangleAlert,
  Undo2,
  X
} from 'lucide-react';
import { toast } from 'sonner';

const CACHE_KEY = '__imagechat_ImageGallery_v2';
// Edit and Variations (here or from the viewer) say which image they started from; the gallery
// they add at the end of the chat (its images have that parent_id) reveals itself (ImageGallery).
const REVEAL_KEY = '__imagechat_reveal';
const INFO_PREF_KEY = 'imagechat.gallery.info';

function defineImageGallery() {
  const GAP = 6;
  const STATUSES = ['pending', 'ready', 'failed', 'stopped', 'interrupted'];
  const INTERRUPTED_NOTE = 'Interrupted — ImageChat stopped before this image was made.';

  // ---------------------------------------------------------------- helpers

  function statusOf(img) {
    return STATUSES.includes(img.status) ? img.status : 'pending';
  }

  function sizeOf(img) {
    let w = Number(img.width);
    let h = Number(img.height);
    if (!(w > 0 && h > 0) && typeof img.size === 'string') {
      const m = /^(\d+)\s*[x×]\s*(\d+)$/.exec(img.size.trim());
      if (m) {
        w = Number(m[1]);
        h = Number(m[2]);
      }
    }
    return w > 0 && h > 0 ? { w, h } : { w: 1024, h: 1024 };
  }

  function ratioOf(img) {
    const { w, h } = sizeOf(img);
    return Math.min(5, Math.max(0.2, w / h));
  }

  function apiBase(api) {
    try {
      if (api && api.httpEndpoint) {
        const u = new URL(api.httpEndpoint, window.location.href);
        if (u.origin === window.location.origin) return u.pathname.replace(/\/+$/, '');
      }
    } catch (e) {
      // fall through
    }
    return '';
  }

  function imageUrl(base, id, format) {
    return `${base}/api/images/${encodeURIComponent(id)}?format=${format}`;
  }

  function downloadName(img, format) {
    const raw = String(img.filename || `image-${String(img.id).slice(0, 8)}`);
    const clean = raw.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/\.(png|jpe?g)$/i, '');
    return `${clean || 'image'}.${format}`;
  }

  function fmtCost(v) {
    if (v === null || v === undefined || v === '' || !isFinite(Number(v))) return null;
    return `$${Number(v).toFixed(3)}`;
  }

  function fmtElapsed(ms) {
    if (ms === null || ms === undefined || ms === '' || !isFinite(Number(ms))) return null;
    const s = Number(ms) / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    return `${m} min ${Math.round(s - m * 60)} s`;
  }

  function fmtSize(img) {
    if (img.size) return String(img.size).replace(/\s*[x×]\s*/, ' × ');
    const { w, h } = sizeOf(img);
    return `${w} × ${h}`;
  }

  function cap(s) {
    return s ? String(s).charAt(0).toUpperCase() + String(s).slice(1) : s;
  }

  function readInfoPref() {
    try {
      return window.localStorage.getItem(INFO_PREF_KEY) === '1';
    } catch (e) {
      return false;
    }
  }

  function writeInfoPref(on) {
    try {
      window.localStorage.setItem(INFO_PREF_KEY, on ? '1' : '0');
    } catch (e) {
      // private mode: not remembered
    }
  }

  async function copyText(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch (e) {
      // fall back below
    }
    // Plain-http deployments have no navigator.clipboard. Put the textarea inside the dialog
    // when one is open, so the viewer's focus trap leaves it alone.
    const active = document.activeElement;
    const host = (active && active.closest && active.closest('[role="dialog"]')) || document.body;
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.cssText = 'position:fixed;top:0;left:0;opacity:0;pointer-events:none;';
    host.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    ta.remove();
    if (active && active.focus) active.focus();
    return ok;
  }

  function useCopy() {
    const [copied, setCopied] = useState(null);
    const timer = useRef(0);
    useEffect(() => () => clearTimeout(timer.current), []);
    const copy = useCallback(async (text, key) => {
      const ok = await copyText(text || '');
      if (!ok) {
        toast.error('Could not copy to the clipboard');
        return;
      }
      setCopied(key);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(null), 1600);
    }, []);
    return [copied, copy];
  }

  // ---------------------------------------------------------------- actions

  function isTyping(el) {
    return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
  }

  function errorText(err) {
    if (!err) return 'Something went wrong. Please try again.';
    if (typeof err === 'string') return err;
    // Chainlit's ClientError: statusText in `message`, the server's detail in `detail`.
    if (typeof err.status === 'number') {
      const detail = typeof err.detail === 'string' && err.detail.trim() ? err.detail : '';
      return detail || err.message || `The server answered ${err.status}.`;
    }
    if (err.name === 'TypeError' && /fetch|network/i.test(String(err.message))) {
      return 'The server could not be reached. Check your connection and try again.';
    }
    return err.message ? String(err.message) : String(err);
  }

  // One call to the app's action callback; resolves to what the callback returned, rejects with
  // a message fit for a toast.
  async function invokeAction(call, name, payload) {
    if (typeof call !== 'function') throw new Error('Actions are not available on this page.');
    const res = await call({ name, payload });
    if (res === undefined || res === null) {
      throw new Error('Not connected to the server. Reload the page and try again.');
    }
    if (res.success === false) throw new Error('The server could not run this action.');
    const r = res.response;
    if (r && typeof r === 'object' && r.error) throw new Error(String(r.error));
    return r;
  }

  function failToast(title, err, retry) {
    toast.error(title, {
      description: errorText(err),
      action: retry ? { label: 'Try again', onClick: retry } : undefined
    });
  }

  // Rows of tiles: every tile keeps its own aspect ratio, tiles in a row share one height.
  function layout(images, width) {
    const n = images.length;
    if (!n || width <= 0) return [];
    const W = Math.floor(width);
    if (n === 1) {
      const a = ratioOf(images[0]);
      const w = Math.floor(Math.min(W, 512, 512 * a));
      return [[{ img: images[0], w, h: Math.floor(w / a) }]];
    }
    let cols;
    let maxH;
    if (n === 2) {
      cols = 2;
      maxH = 340;
    } else if (n <= 4) {
      cols = 2;
      maxH = 300;
    } else {
      cols = W < 480 ? 2 : n === 5 || n === 6 || n === 9 || W < 640 ? 3 : 4;
      maxH = 220;
    }
    const rowCount = Math.ceil(n / cols);
    const base = Math.floor(n / rowCount);
    const extra = n % rowCount;
    const rows = [];
    let i = 0;
    let firstH = Infinity;
    for (let r = 0; r < rowCount; r++) {
      const k = base + (r < extra ? 1 : 0);
      const items = images.slice(i, i + k);
      i += k;
      const ratios = items.map(ratioOf);
      const sum = ratios.reduce((s, a) => s + a, 0);
      let h = Math.min(maxH, (W - GAP * (k - 1)) / sum);
      if (r === 0) firstH = h;
      else h = Math.min(h, firstH);
      h = Math.floor(h);
      rows.push(items.map((img, j) => ({ img, w: Math.floor(ratios[j] * h), h })));
    }
    return rows;
  }

  function toolbarLevel(w) {
    if (w >= 236) return 'full';
    if (w >= 190) return 'mid';
    if (w >= 150) return 'mini';
    return 'tiny';
  }

  // ---------------------------------------------------------------- gallery tiles

  // The live preview's badge (inline styles: public/imagechat.css has no rule for it).
  const PREVIEW_BADGE = {
    position: 'absolute',
    left: '8px',
    bottom: '8px',
    zIndex: 1,
    display: 'inline-flex',
    alignItems: 'center',
    gap: '5px',
    maxWidth: 'calc(100% - 16px)',
    padding: '2px 8px 2px 6px',
    borderRadius: '999px',
    background: 'rgb(0 0 0 / 0.5)',
    color: '#fff',
    fontSize: '0.6875rem',
    fontWeight: 500,
    lineHeight: '1.125rem',
    whiteSpace: 'nowrap',
    pointerEvents: 'none'
  };
  const PREVIEW_SPINNER = { width: '12px', height: '12px', flex: 'none', opacity: 0.85 };

  // A pending image's live preview: its data URL, or null.
  function partialOf(img) {
    const url = img.partial;
    return statusOf(img) === 'pending' && typeof url === 'string' && url.startsWith('data:image/')
      ? url
      : null;
  }

  // "Preview 2/3" (or "Preview 2" when the number of previews is unknown).
  function previewLabel(img) {
    const i = Number(img.partial_index);
    const k = Number.isInteger(i) && i >= 0 ? i + 1 : null;
    const total = Number(img.partial_total);
    if (k === null) return 'Sharpening…';
    return Number.isInteger(total) && total >= k ? `Preview ${k}/${total}` : `Preview ${k}`;
  }

  // Variations, with a pending state while the action runs: aria-disabled (not `disabled`), so a
  // keyboard user's focus stays on the button.
  function VariationsButton({ className, busy, onClick, tip, label }) {
    return (
      <button
        type="button"
        className={className}
        data-testid="image-variations"
        aria-label={busy ? 'Making variations…' : 'Variations'}
        aria-disabled={busy ? 'true' : undefined}
        aria-busy={busy ? 'true' : undefined}
        data-busy={busy ? 'true' : undefined}
        data-tip={busy ? 'Making variations…' : tip}
        onClick={() => {
          if (!busy) onClick();
        }}
      >
        {busy ? (
          <LoaderCircle className="icg-spin" aria-hidden="true" />
        ) : (
          <Shuffle aria-hidden="true" />
        )}
        {label && <span>{label}</span>}
      </button>
    );
  }

  // Two pills: the file actions top right, the actions that make new images bottom left (that one
  // stays visible while its variations are being made).
  function Toolbar({ img, base, level, onOpen, copied, onCopy, busy, onVariations }) {
    const labels = level === 'full';
    const showCopy = level !== 'tiny';
    const showInfo = level === 'full' || level === 'mid';
    const showJpg = level !== 'tiny';
    return (
      <div className="icg-toolbar" data-testid="image-toolbar" data-level={level}>
        <div className="icg-tgroup icg-tgroup-top">
          <button
            type="button"
            className="icg-tbtn"
            data-testid="image-open-fullscreen"
            aria-label="View full screen"
            data-tip="Full screen"
            onClick={() => onOpen(img.id, null)}
          >
            <Maximize2 aria-hidden="true" />
          </button>
          <a
            className="icg-tbtn icg-tbtn-text"
            data-testid="image-download-png"
            href={imageUrl(base, img.id, 'png')}
            download={downloadName(img, 'png')}
            aria-label="Download PNG"
            data-tip="Download PNG"
          >
            {labels && <Download aria-hidden="true" />}
            <span>PNG</span>
          </a>
          {showJpg && (
            <a
              className="icg-tbtn icg-tbtn-text"
              data-testid="image-download-jpg"
              href={imageUrl(base, img.id, 'jpg')}
              download={downloadName(img, 'jpg')}
              aria-label="Download JPG"
              data-tip="Download JPG"
            >
              {labels && <Download aria-hidden="true" />}
              <span>JPG</span>
            </a>
          )}
          {showCopy && (
            <button
              type="button"
              className="icg-tbtn"
              data-testid="image-copy-prompt"
              aria-label="Copy prompt"
              data-tip={copied ? 'Copied' : 'Copy prompt'}
              data-copied={copied ? 'true' : undefined}
              onClick={() => onCopy(img.prompt || '', `tile:${img.id}`)}
            >
              {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            </button>
          )}
          {showInfo && (
            <button
              type="button"
              className="icg-tbtn"
              data-testid="image-info-toggle"
              aria-label="Image details"
              data-tip="Details"
              onClick={() => onOpen(img.id, true)}
            >
              <Info aria-hidden="true" />
            </button>
          )}
          {copied && (
            <span className="icg-copied" role="status">
              <Check aria-hidden="true" /> Copied
            </span>
          )}
        </div>
        <div className="icg-tgroup icg-tgroup-bottom" data-busy={busy ? 'true' : undefined}>
          <VariationsButton
            className="icg-tbtn"
            busy={busy}
            tip="Variations"
            onClick={() => onVariations(img.id)}
          />
          <button
            type="button"
            className="icg-tbtn"
            data-testid="image-edit"
            aria-label="Edit"
            data-tip="Edit"
            onClick={() => onOpen(img.id, null, true)}
          >
            <Pencil aria-hidden="true" />
          </button>
        </div>
      </div>
    );
  }

  function Tile({ cell, base, onOpen, copied, onCopy, busy, onVariations }) {
    const { img, w, h } = cell;
    const status = statusOf(img);
    const prompt = img.prompt || '';
    const small = w < 150 || h < 120;
    const partial = partialOf(img);
    let label;
    if (status === 'ready') label = `Open image: ${prompt}`;
    else if (status === 'pending') {
      const step = partial ? ` (${previewLabel(img)})` : '';
      label = `Creating image${step}: ${prompt}`;
    } else if (status === 'stopped') label = `Stopped before this image was made. Prompt: ${prompt}`;
    else if (status === 'interrupted') label = `${INTERRUPTED_NOTE} Prompt: ${prompt}`;
    else label = `Image could not be created: ${img.error || 'unknown error'}. Prompt: ${prompt}`;
    return (
      <div
        className={`icg-tile icg-tile-${status}`}
        style={{ width: `${w}px`, height: `${h}px` }}
        data-image-id={img.id || undefined}
        data-partial={partial ? 'true' : undefined}
      >
        <button
          type="button"
          className="icg-thumb"
          data-testid="image-thumbnail"
          data-status={status}
          data-image-id={img.id || undefined}
          aria-label={label}
          aria-disabled={status === 'ready' ? undefined : 'true'}
          title={
            status === 'failed'
              ? img.error || undefined
              : status === 'stopped'
                ? 'Stopped before this image was made'
                : status === 'interrupted'
                  ? INTERRUPTED_NOTE
                  : undefined
          }
          onClick={() => {
            if (status === 'ready') onOpen(img.id, null);
          }}
        >
          {status === 'ready' &&
            (img.thumb ? (
              <img src={img.thumb} alt={prompt || 'Generated image'} draggable={false} />
            ) : (
              <span className="icg-tile-body">
                <ImageOff aria-hidden="true" />
              </span>
            ))}
          {partial && (
            <img
              src={partial}
              alt={`Preview of image ${img.position + 1}`}
              data-testid="image-partial"
              draggable={false}
            />
          )}
          {partial && (
            <span className="icg-preview-badge" style={PREVIEW_BADGE} aria-hidden="true">
              <LoaderCircle className="icg-spin" style={PREVIEW_SPINNER} aria-hidden="true" />
              {w >= 96 && <span>{previewLabel(img)}</span>}
            </span>
          )}
          {status === 'pending' && !partial && (
            <span className="icg-tile-body">
              <LoaderCircle className="icg-spin" aria-hidden="true" />
              {w >= 96 && (
                <span className="icg-tile-caption">{small ? 'Creating…' : 'Creating image…'}</span>
              )}
            </span>
          )}
          {status === 'stopped' && (
            <span className="icg-tile-body">
              <CircleStop aria-hidden="true" />
              {w >= 72 && <span className="icg-tile-caption">Stopped</span>}
            </span>
          )}
          {status === 'interrupted' && (
            <span className="icg-tile-body">
              <CircleStop aria-hidden="true" />
              {w >= 72 && <span className="icg-tile-caption">Interrupted</span>}
            </span>
          )}
          {status === 'failed' && (
            <span className="icg-tile-body">
              <TriangleAlert className="icg-failed-icon" aria-hidden="true" />
              {small ? (
                <span className="icg-tile-caption">Failed</span>
              ) : (
                <span className="icg-tile-title">Couldn’t create this image</span>
              )}
              {!small && img.error && <span className="icg-tile-error">{img.error}</span>}
            </span>
          )}
        </button>
        {status === 'ready' && (
          <Toolbar
            img={img}
            base={base}
            level={toolbarLevel(w)}
            onOpen={onOpen}
            copied={copied === `tile:${img.id}`}
            onCopy={onCopy}
            busy={busy}
            onVariations={onVariations}
          />
        )}
      </div>
    );
  }

  // ---------------------------------------------------------------- viewer

  function useElementSize(ref) {
    const [size, setSize] = useState({ w: 0, h: 0 });
    useLayoutEffect(() => {
      const el = ref.current;
      if (!el) return undefined;
      const measure = () => {
        const r = el.getBoundingClientRect();
        setSize((s) => (s.w === r.width && s.h === r.height ? s : { w: r.width, h: r.height }));
      };
      measure();
      const ro = new ResizeObserver(measure);
      ro.observe(el);
      return () => ro.disconnect();
    }, [ref]);
    return size;
  }

  // ---------------------------------------------------------------- mask ("Select area")

  // Brush diameter in CSS pixels on screen; a stroke stores it as a fraction of the image width.
  const BRUSH_MIN = 8;
  const BRUSH_MAX = 120;
  const BRUSH_STEP = 4;
  const BRUSH_DEFAULT = 40;
  const NO_STROKES = [];
  const NO_MASK = { id: null, on: false, strokes: NO_STROKES };

  // A field that takes text (where [ ] and Ctrl+Z belong to the field), unlike a slider or button.
  function isTextField(el) {
    if (!el) return false;
    if (el.tagName === 'TEXTAREA' || el.isContentEditable) return true;
    if (el.tagName !== 'INPUT') return false;
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    const notText = ['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file'];
    return !notText.includes(type);
  }

  // Strokes are in image-normalised coordinates: `pts` as [x, y] in 0..1 of the image's width and
  // height, the radius `r` as a fraction of its width. Drawn here on a w × h canvas with the
  // context's current fill/stroke style and compositing.
  function paintStrokes(ctx, strokes, w, h) {
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    strokes.forEach((s) => {
      const pts = s.pts;
      if (!pts || !pts.length) return;
      const r = Math.max(0.5, s.r * w);
      ctx.beginPath();
      if (pts.length === 1) {
        ctx.arc(pts[0][0] * w, pts[0][1] * h, r, 0, Math.PI * 2);
        ctx.fill();
        return;
      }
      ctx.lineWidth = r * 2;
      ctx.moveTo(pts[0][0] * w, pts[0][1] * h);
      for (let i = 1; i < pts.length; i++) ctx.lineTo(pts[i][0] * w, pts[i][1] * h);
      ctx.stroke();
    });
  }

  // The mask sent with an edit, at the image's pixel size: opaque black, painted strokes fully
  // transparent (OpenAI's convention: transparent = the area to edit). A PNG data URL.
  function buildMask(strokes, w, h) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw the selected area.');
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, w, h);
    ctx.globalCompositeOperation = 'destination-out';
    ctx.fillStyle = '#000';
    ctx.strokeStyle = '#000';
    paintStrokes(ctx, strokes, w, h);
    return canvas.toDataURL('image/png');
  }

  // The painting surface: a canvas laid exactly over the image's rendered rectangle inside the
  // frame (the img is scaled to fit with object-fit: contain), kept there through resizes. Pointer
  // Events with pointer capture: mouse, touch and pen alike; one pointer paints at a time.
  function MaskLayer({ strokes, fullW, fullH, brush, onStroke }) {
    const canvasRef = useRef(null);
    const ringRef = useRef(null);
    const active = useRef(null); // { id, rect, stroke } while a pointer paints
    const raf = useRef(0);
    const [box, setBox] = useState(null); // the image's rectangle in the frame, CSS px

    useLayoutEffect(() => {
      const canvas = canvasRef.current;
      const frame = canvas && canvas.parentElement;
      if (!frame) return undefined;
      // The img's own box (CSS may keep it smaller than the frame), and the picture fitted
      // inside that box (object-fit: contain), relative to the frame.
      const img = frame.querySelector('[data-testid="image-full"]');
      const measure = () => {
        const r = frame.getBoundingClientRect(); // the frame is never transformed
        const ir = img ? img.getBoundingClientRect() : r;
        const s = Math.min(ir.width / fullW, ir.height / fullH);
        const w = fullW * s;
        const h = fullH * s;
        const x = ir.left - r.left + (ir.width - w) / 2;
        const y = ir.top - r.top + (ir.height - h) / 2;
        const next = { x, y, w, h, dpr: window.devicePixelRatio || 1 };
        const same = (b) =>
          b &&
          b.x === next.x &&
          b.y === next.y &&
          b.w === next.w &&
          b.h === next.h &&
          b.dpr === next.dpr;
        setBox((b) => (same(b) ? b : next));
      };
      measure();
      const ro = new ResizeObserver(measure);
      ro.observe(frame);
      if (img) ro.observe(img);
      window.addEventListener('resize', measure); // zoom changes the pixel ratio
      return () => {
        ro.disconnect();
        window.removeEventListener('resize', measure);
        cancelAnimationFrame(raf.current);
      };
    }, [fullW, fullH]);

    const draw = () => {
      const canvas = canvasRef.current;
      if (!canvas || !box || !(box.w > 0 && box.h > 0)) return;
      const bw = Math.max(1, Math.round(box.w * box.dpr));
      const bh = Math.max(1, Math.round(box.h * box.dpr));
      if (canvas.width !== bw) canvas.width = bw;
      if (canvas.height !== bh) canvas.height = bh;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, bw, bh);
      const color = window.getComputedStyle(canvas).color || 'rgb(235, 22, 98)';
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      paintStrokes(ctx, active.current ? [...strokes, active.current.stroke] : strokes, bw, bh);
    };
    const drawRef = useRef(draw);
    drawRef.current = draw;
    useLayoutEffect(() => drawRef.current(), [box, strokes]);
    const schedule = () => {
      if (raf.current) return;
      raf.current = requestAnimationFrame(() => {
        raf.current = 0;
        drawRef.current();
      });
    };

    const moveRing = (e) => {
      const ring = ringRef.current;
      const canvas = canvasRef.current;
      if (!ring || !canvas || !box) return;
      if (e.pointerType === 'touch') {
        ring.removeAttribute('data-show');
        return;
      }
      const r = canvas.getBoundingClientRect();
      ring.style.left = `${box.x + e.clientX - r.left}px`;
      ring.style.top = `${box.y + e.clientY - r.top}px`;
      ring.setAttribute('data-show', 'true');
    };
    const pointOf = (e, rect) => [
      (e.clientX - rect.left) / rect.width,
      (e.clientY - rect.top) / rect.height
    ];
    const finish = (e) => {
      const a = active.current;
      if (!a || a.id !== e.pointerId) return;
      active.current = null;
      onStroke(a.stroke);
    };

    return (
      <>
        <canvas
          ref={canvasRef}
          className="icg-mask-canvas"
          data-testid="image-mask-canvas"
          role="img"
          aria-label="The area to change, painted over the image"
          style={
            box
              ? { left: `${box.x}px`, top: `${box.y}px`, width: `${box.w}px`, height: `${box.h}px` }
              : { visibility: 'hidden' }
          }
          // Keep the focus where it is (the prompt, say): the canvas is not a focus target.
          onMouseDown={(e) => e.preventDefault()}
          onContextMenu={(e) => {
            if (active.current) e.preventDefault();
          }}
          onPointerDown={(e) => {
            if (active.current || !box) return;
            if (e.pointerType === 'mouse' && e.button !== 0) return;
            e.preventDefault();
            const canvas = canvasRef.current;
            try {
              canvas.setPointerCapture(e.pointerId);
            } catch (err) {
              // capture is a nicety; painting works without it
            }
            const rect = canvas.getBoundingClientRect();
            if (!(rect.width > 0 && rect.height > 0)) return;
            active.current = {
              id: e.pointerId,
              rect,
              stroke: { r: brush / 2 / rect.width, pts: [pointOf(e, rect)] }
            };
            moveRing(e);
            schedule();
          }}
          onPointerMove={(e) => {
            moveRing(e);
            const a = active.current;
            if (!a || a.id !== e.pointerId) return;
            const native = e.nativeEvent;
            const coalesced = native && typeof native.getCoalescedEvents === 'function';
            const list = coalesced ? native.getCoalescedEvents() : [];
            const pts = a.stroke.pts;
            (list && list.length ? list : [e]).forEach((ev) => {
              const p = pointOf(ev, a.rect);
              const last = pts[pts.length - 1];
              const dx = (p[0] - last[0]) * a.rect.width;
              const dy = (p[1] - last[1]) * a.rect.height;
              if (dx * dx + dy * dy >= 1) pts.push(p);
            });
            schedule();
          }}
          onPointerUp={finish}
          onPointerCancel={finish}
          onLostPointerCapture={finish}
          onPointerLeave={() => {
            if (ringRef.current && !active.current) ringRef.current.removeAttribute('data-show');
          }}
        />
        <span
          ref={ringRef}
          className="icg-mask-ring"
          aria-hidden="true"
          style={{ width: `${brush}px`, height: `${brush}px` }}
        />
      </>
    );
  }

  function InfoPanel({ img, images, onNavigate, onHide, copied, onCopy }) {
    const parent = img.parent_id ? images.find((x) => x.id === String(img.parent_id)) : null;
    const lineage =
      typeof img.lineage === 'string' && img.lineage.trim() ? cap(img.lineage.trim()) : 'Edited from';
    const facts = [
      ['Model', img.model],
      ['Size', fmtSize(img)],
      ['Quality', cap(img.quality)],
      ['Style', cap(img.style)],
      ['Cost', fmtCost(img.cost)],
      ['Time', fmtElapsed(img.elapsed_ms)]
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');
    const revised =
      img.revised_prompt && String(img.revised_prompt).trim() !== String(img.prompt || '').trim()
        ? img.revised_prompt
        : null;
    return (
      <aside className="icg-panel" data-testid="image-info" aria-label="Image details">
        <div className="icg-panel-head">
          <h2>Details</h2>
          <button
            type="button"
            className="icg-vbtn icg-vbtn-sm"
            aria-label="Hide details"
            onClick={onHide}
          >
            <X aria-hidden="true" />
          </button>
        </div>
        <section className="icg-panel-section">
          <div className="icg-panel-label">
            <span>Prompt</span>
            <button
              type="button"
              className="icg-chip"
              data-testid="image-copy-prompt"
              onClick={() => onCopy(img.prompt || '', `panel:${img.id}`)}
            >
              {copied === `panel:${img.id}` ? (
                <>
                  <Check aria-hidden="true" /> <span role="status">Copied</span>
                </>
              ) : (
                <>
                  <Copy aria-hidden="true" /> Copy
                </>
              )}
            </button>
          </div>
          <p className="icg-panel-text" data-testid="image-prompt">
            {img.prompt || '—'}
          </p>
        </section>
        {revised && (
          <section className="icg-panel-section">
            <div className="icg-panel-label">
              <span>Revised prompt</span>
            </div>
            <p className="icg-panel-text icg-panel-muted" data-testid="image-revised-prompt">
              {revised}
            </p>
          </section>
        )}
        {facts.length > 0 && (
          <dl className="icg-facts">
            {facts.map(([k, v]) => (
              <div key={k} className="icg-fact">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )}
        {img.parent_id && (
          <section className="icg-panel-section" data-testid="image-lineage">
            <div className="icg-panel-label">
              <span>Lineage</span>
            </div>
            {parent && statusOf(parent) === 'ready' ? (
              <button type="button" className="icg-lineage" onClick={() => onNavigate(parent.id)}>
                {parent.thumb ? <img src={parent.thumb} alt="" /> : <GitBranch aria-hidden="true" />}
                <span>
                  {lineage} <strong>{parent.prompt || 'an earlier image'}</strong>
                </span>
              </button>
            ) : (
              <div className="icg-lineage icg-lineage-static">
                <GitBranch aria-hidden="true" />
                <span>
                  {lineage} an earlier image{' '}
                  <code title={String(img.parent_id)}>{String(img.parent_id).slice(0, 8)}</code>
                </span>
              </div>
            )}
          </section>
        )}
      </aside>
    );
  }

  const IS_MAC =
    typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || '');

  // The edit form: a bar at the bottom of the viewer's image area. "Select area" turns on mask
  // mode: the person paints the part to change on a canvas over the image (MaskLayer), with a
  // brush size slider ([ and ] keys), Undo (Ctrl/Cmd+Z) and Clear next to the toggle.
  function EditBar({
    wrapRef,
    inputRef,
    toggleRef,
    value,
    onChange,
    onSubmit,
    onCancel,
    maskOn,
    onToggleMask,
    brush,
    onBrush,
    strokeCount,
    onUndo,
    onClear
  }) {
    const empty = !value.trim();
    const none = strokeCount === 0;
    return (
      <div className="icg-editbar-wrap" ref={wrapRef}>
        <form
          className="icg-editbar"
          data-testid="image-edit-form"
          data-mask={maskOn ? 'on' : undefined}
          aria-label="Edit this image"
          onSubmit={(e) => {
            e.preventDefault();
            if (!empty) onSubmit(value.trim());
          }}
        >
          <div className="icg-editbar-row">
            <Pencil className="icg-editbar-icon" aria-hidden="true" />
            <input
              ref={inputRef}
              type="text"
              className="icg-editbar-input"
              data-testid="image-edit-prompt"
              value={value}
              onChange={(e) => onChange(e.target.value)}
              placeholder="Describe the change, e.g. make it brighter"
              aria-label="Describe the change"
              autoComplete="off"
              enterKeyHint="send"
              maxLength={2000}
            />
            <button
              ref={toggleRef}
              type="button"
              className="icg-mask-toggle"
              data-testid="image-mask-toggle"
              aria-pressed={maskOn ? 'true' : 'false'}
              title={
                maskOn ? 'Change the whole image instead' : 'Paint the part of the image to change'
              }
              onClick={onToggleMask}
            >
              <Brush aria-hidden="true" />
              <span>Select area</span>
            </button>
            <button
              type="button"
              className="icg-editbar-cancel"
              data-testid="image-edit-cancel"
              aria-label="Cancel edit"
              onClick={onCancel}
            >
              <X aria-hidden="true" />
              <span>Cancel</span>
            </button>
            <button
              type="submit"
              className="icg-editbar-submit"
              data-testid="image-edit-submit"
              aria-label="Apply edit"
              disabled={empty}
            >
              <span>Apply</span>
              <ArrowUp aria-hidden="true" />
            </button>
          </div>
          {maskOn && (
            <div className="icg-masktools" role="group" aria-label="Area to change">
              <p className="icg-mask-hint" data-testid="image-mask-hint">
                <Brush aria-hidden="true" />
                <span>Paint over the part to change</span>
              </p>
              <label className="icg-mask-size" title="Brush size ( [ and ] )">
                <span aria-hidden="true">Brush</span>
                <input
                  type="range"
                  data-testid="image-mask-brush"
                  min={BRUSH_MIN}
                  max={BRUSH_MAX}
                  step={BRUSH_STEP}
                  value={brush}
                  onChange={(e) => onBrush(Number(e.target.value))}
                  aria-label="Brush size"
                  aria-valuetext={`${brush} pixels`}
                />
              </label>
              <button
                type="button"
                className="icg-masktool"
                data-testid="image-mask-undo"
                aria-label="Undo last stroke"
                aria-disabled={none ? 'true' : undefined}
                title={IS_MAC ? 'Undo (⌘Z)' : 'Undo (Ctrl+Z)'}
                onClick={() => {
                  if (!none) onUndo();
                }}
              >
                <Undo2 aria-hidden="true" />
                <span>Undo</span>
              </button>
              <button
                type="button"
                className="icg-masktool"
                data-testid="image-mask-clear"
                aria-label="Clear the painted area"
                aria-disabled={none ? 'true' : undefined}
                onClick={() => {
                  if (!none) onClear();
                }}
              >
                <Eraser aria-hidden="true" />
                <span>Clear</span>
              </button>
            </div>
          )}
        </form>
        <p className="icg-editbar-hint" aria-hidden="true">
          {maskOn ? (
            <>
              <kbd>[</kbd> <kbd>]</kbd> brush size <span>·</span>{' '}
              <kbd>{IS_MAC ? '⌘Z' : 'Ctrl Z'}</kbd> undo <span>·</span> <kbd>Esc</kbd> discard the
              area
            </>
          ) : (
            <>
              <kbd>Enter</kbd> to apply <span>·</span> <kbd>Esc</kbd> to cancel
            </>
          )}
        </p>
      </div>
    );
  }

  // The height of an element that comes and goes (a callback ref), 0 while there is none.
  function useHeight() {
    const [height, setHeight] = useState(0);
    const ro = useRef(null);
    const ref = useCallback((el) => {
      if (ro.current) {
        ro.current.disconnect();
        ro.current = null;
      }
      if (!el) {
        setHeight(0);
        return;
      }
      const measure = () => setHeight(el.offsetHeight); // layout size: the entrance transform aside
      measure();
      ro.current = new ResizeObserver(measure);
      ro.current.observe(el);
    }, []);
    return [ref, height];
  }

  function Viewer({
    images,
    list,
    id,
    info,
    editing,
    busy,
    base,
    onNavigate,
    onToggleInfo,
    onSetEditing,
    onVariations,
    onEdit,
    onClose
  }) {
    const rootRef = useRef(null);
    const stageRef = useRef(null);
    const inputRef = useRef(null);
    const editBtnRef = useRef(null);
    const toggleRef = useRef(null);
    const stage = useElementSize(stageRef);
    const [barRef, barH] = useHeight();
    const [loaded, setLoaded] = useState({});
    const [broken, setBroken] = useState({});
    const [draft, setDraft] = useState('');
    const [copied, onCopy] = useCopy();
    const touch = useRef(null);
    // The painted area of the edit form: the strokes belong to one image (`id`); `on` is mask
    // mode. Toggling it off keeps the strokes (not sent); Escape, closing the form or another
    // image discards them.
    const [mask, setMask] = useState(NO_MASK);
    const [brush, setBrush] = useState(BRUSH_DEFAULT);

    const index = Math.max(
      0,
      list.findIndex((x) => x.id === id)
    );
    const img = list[index];
    const many = list.length > 1;
    const isBusy = !!(img && busy[img.id]);
    const imgId = img ? img.id : null;
    const maskHere = mask.id !== null && mask.id === imgId;
    const strokes = maskHere ? mask.strokes : NO_STROKES;
    const maskOn = !!(editing && maskHere && mask.on);

    const go = useCallback(
      (delta) => {
        if (list.length < 2) return;
        const next = list[(index + delta + list.length) % list.length];
        onNavigate(next.id);
      },
      [list, index, onNavigate]
    );

    // Latest handlers and state for the document listeners, bound once.
    const handlers = useRef({});
    handlers.current = {
      go,
      onClose,
      onToggleInfo,
      editing,
      startEdit: () => {
        if (editing && inputRef.current) inputRef.current.focus({ preventScroll: true });
        else onSetEditing(true);
      },
      cancelEdit: () => onSetEditing(false),
      variations: () => {
        if (img && !isBusy) onVariations(img.id);
      },
      maskOn,
      leaveMask: () => setMask(NO_MASK),
      undoStroke: () =>
        setMask((m) => (m.strokes.length ? { ...m, strokes: m.strokes.slice(0, -1) } : m)),
      stepBrush: (dir) =>
        setBrush((b) => Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, b + dir * BRUSH_STEP)))
    };

    useEffect(() => {
      const root = rootRef.current;
      if (root) root.focus({ preventScroll: true });
      const onKey = (e) => {
        const h = handlers.current;
        const typing = isTyping(e.target);
        const plain = !e.ctrlKey && !e.metaKey && !e.altKey && !e.isComposing;
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          // mask mode first (its strokes go), then the form, the viewer on the next Escape
          if (h.maskOn) h.leaveMask();
          else if (h.editing) h.cancelEdit();
          else h.onClose();
        } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
          if (h.maskOn) return; // painting: no other image by accident
          e.preventDefault();
          e.stopPropagation();
          h.go(e.key === 'ArrowRight' ? 1 : -1);
        } else if (
          h.maskOn &&
          (e.key === 'z' || e.key === 'Z') &&
          (e.ctrlKey || e.metaKey) &&
          !e.altKey &&
          !e.shiftKey &&
          !isTextField(e.target)
        ) {
          e.preventDefault(); // in the prompt, Ctrl+Z stays the field's own undo
          h.undoStroke();
        } else if (
          h.maskOn &&
          (e.key === '[' || e.key === ']') &&
          !e.metaKey &&
          !(e.ctrlKey && !e.altKey) && // AltGr (Ctrl+Alt) types [ ] on some layouts
          !e.isComposing &&
          !isTextField(e.target)
        ) {
          e.preventDefault();
          h.stepBrush(e.key === ']' ? 1 : -1);
        } else if ((e.key === 'i' || e.key === 'I') && plain && !typing) {
          e.preventDefault();
          h.onToggleInfo();
        } else if ((e.key === 'v' || e.key === 'V') && plain && !typing) {
          e.preventDefault();
          h.variations();
        } else if ((e.key === 'e' || e.key === 'E') && plain && !typing) {
          e.preventDefault(); // no "e" in the input it focuses
          h.startEdit();
        } else if (e.key === 'Tab') {
          const r = rootRef.current;
          if (!r) return;
          const items = Array.from(
            r.querySelectorAll(
              'button:not([disabled]), a[href], input:not([disabled]), [tabindex]:not([tabindex="-1"])'
            )
          ).filter((el) => el.offsetParent !== null || el.getClientRects().length > 0);
          if (!items.length) {
            e.preventDefault();
            return;
          }
          const first = items[0];
          const last = items[items.length - 1];
          const active = document.activeElement;
          if (e.shiftKey && (active === first || active === r || !r.contains(active))) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && (active === last || !r.contains(active))) {
            e.preventDefault();
            first.focus();
          }
        }
      };
      const onFocusIn = (e) => {
        const r = rootRef.current;
        if (r && !r.contains(e.target)) r.focus({ preventScroll: true });
      };
      document.addEventListener('keydown', onKey, true);
      document.addEventListener('focusin', onFocusIn);
      return () => {
        document.removeEventListener('keydown', onKey, true);
        document.removeEventListener('focusin', onFocusIn);
      };
    }, []);

    // The form takes the focus when it opens (after the effect above on mount) and gives it to
    // the Edit button when it closes.
    const wasEditing = useRef(false);
    useEffect(() => {
      if (editing && inputRef.current) {
        inputRef.current.focus({ preventScroll: true });
      } else if (!editing && wasEditing.current) {
        const r = rootRef.current;
        const active = document.activeElement;
        if (editBtnRef.current && (!active || active === document.body || active === r)) {
          editBtnRef.current.focus({ preventScroll: true });
        }
      }
      wasEditing.current = editing;
      if (!editing) setMask((m) => (m === NO_MASK ? m : NO_MASK)); // a closed form keeps no area
    }, [editing]);

    // Another image: its own (empty) area. Leaving mask mode gives the focus to the toggle when
    // the control that had it went away with the mode.
    useEffect(() => {
      setMask((m) => (m === NO_MASK || m.id === imgId ? m : NO_MASK));
    }, [imgId]);
    const wasMaskOn = useRef(false);
    useEffect(() => {
      if (!maskOn && wasMaskOn.current) {
        const r = rootRef.current;
        const active = document.activeElement;
        if (toggleRef.current && (!active || active === document.body || active === r)) {
          toggleRef.current.focus({ preventScroll: true });
        }
      }
      wasMaskOn.current = maskOn;
    }, [maskOn]);

    // Once the shown image is in, warm the cache for its neighbours.
    useEffect(() => {
      if (!img || !loaded[img.id] || list.length < 2) return;
      const around = [list[(index + 1) % list.length], list[(index - 1 + list.length) % list.length]];
      around.forEach((x) => {
        if (x && !loaded[x.id]) {
          const pre = new window.Image();
          pre.src = imageUrl(base, x.id, 'png');
        }
      });
    }, [img, loaded, list, index, base]);

    if (!img) return null;

    const { w: fullW, h: fullH } = sizeOf(img);
    const narrow = stage.w > 0 && stage.w < 640;
    const padX = narrow ? 12 : 76;
    const padTop = narrow ? 60 : 68;
    let padBottom = narrow ? (many ? 72 : 16) : 28;
    // room for the edit bar (the nav hides on phones): its measured height, the CSS `bottom` of
    // its wrap and a gap; the usual heights until it is measured
    if (editing) padBottom = barH > 0 ? barH + (narrow ? 12 + 18 : 18 + 16) : narrow ? 132 : 112;
    const availW = Math.max(40, stage.w - padX * 2);
    const availH = Math.max(40, stage.h - padTop - padBottom);
    const scale = Math.min(availW / fullW, availH / fullH, 1);
    const frameW = Math.max(1, Math.floor(fullW * scale));
    const frameH = Math.max(1, Math.floor(fullH * scale));
    const isLoaded = !!loaded[img.id];
    const isBroken = !!broken[img.id];

    const onStageClick = (e) => {
      if (e.target.closest('button, a, input, .icg-frame, .icg-panel, .icg-editbar-wrap')) return;
      if (maskOn) return; // a stroke that strayed past the image is no click outside
      if (editing) onSetEditing(false);
      else onClose();
    };

    const onTouchStart = (e) => {
      if (maskOn || e.touches.length !== 1) {
        touch.current = null; // painting, not swiping
        return;
      }
      touch.current = { x: e.touches[0].clientX, y: e.touches[0].clientY };
    };
    const onTouchEnd = (e) => {
      const start = touch.current;
      touch.current = null;
      if (!start || maskOn || !e.changedTouches.length) return;
      const dx = e.changedTouches[0].clientX - start.x;
      const dy = e.changedTouches[0].clientY - start.y;
      if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.5) go(dx < 0 ? 1 : -1);
    };

    const toggleMask = () =>
      setMask((m) =>
        m.id === img.id ? { ...m, on: !m.on } : { id: img.id, on: true, strokes: NO_STROKES }
      );
    const addStroke = (stroke) =>
      setMask((m) => (m.id === img.id && m.on ? { ...m, strokes: [...m.strokes, stroke] } : m));

    const submitEdit = (prompt) => {
      let maskUrl;
      if (maskOn && strokes.length) {
        try {
          maskUrl = buildMask(strokes, fullW, fullH);
        } catch (err) {
          failToast('Couldn’t prepare the selected area', err);
          return;
        }
      }
      onEdit(img.id, prompt, maskUrl);
    };

    return (
      <div
        ref={rootRef}
        className="icg-viewer"
        data-testid="image-fullscreen"
        data-image-id={img.id}
        data-info={info ? 'open' : 'closed'}
        data-editing={editing ? 'true' : undefined}
        data-mask={maskOn ? 'on' : undefined}
        role="dialog"
        aria-modal="true"
        aria-label={`Image viewer: ${img.prompt || 'image'}`}
        tabIndex={-1}
      >
        <div className="icg-viewer-main">
          <div
            ref={stageRef}
            className="icg-stage"
            onClick={onStageClick}
            onTouchStart={onTouchStart}
            onTouchEnd={onTouchEnd}
          >
            <div className="icg-topbar">
              <div className="icg-topbar-title">
                {many && (
                  <span className="icg-counter" aria-live="polite">
                    {index + 1} / {list.length}
                  </span>
                )}
                <span className="icg-topbar-prompt" title={img.prompt || ''}>
                  {img.prompt}
                </span>
              </div>
              <div className="icg-topbar-actions">
                <VariationsButton
                  className="icg-vbtn icg-vbtn-text icg-vbtn-make"
                  busy={isBusy}
                  tip="Variations (v)"
                  label="Variations"
                  onClick={() => onVariations(img.id)}
                />
                <button
                  ref={editBtnRef}
                  type="button"
                  className="icg-vbtn icg-vbtn-text icg-vbtn-make"
                  data-testid="image-edit"
                  aria-label="Edit"
                  aria-expanded={editing ? 'true' : 'false'}
                  aria-pressed={editing ? 'true' : 'false'}
                  data-tip="Edit (e)"
                  onClick={() => onSetEditing(!editing)}
                >
                  <Pencil aria-hidden="true" />
                  <span>Edit</span>
                </button>
                <span className="icg-topbar-sep" aria-hidden="true" />
                <a
                  className="icg-vbtn icg-vbtn-text"
                  data-testid="image-download-png"
                  href={imageUrl(base, img.id, 'png')}
                  download={downloadName(img, 'png')}
                  aria-label="Download PNG"
                  data-tip="Download PNG"
                >
                  <Download aria-hidden="true" />
                  <span>PNG</span>
                </a>
                <a
                  className="icg-vbtn icg-vbtn-text"
                  data-testid="image-download-jpg"
                  href={imageUrl(base, img.id, 'jpg')}
                  download={downloadName(img, 'jpg')}
                  aria-label="Download JPG"
                  data-tip="Download JPG"
                >
                  <Download aria-hidden="true" />
                  <span>JPG</span>
                </a>
                <button
                  type="button"
                  className="icg-vbtn"
                  data-testid="image-info-toggle"
                  aria-label={info ? 'Hide details' : 'Show details'}
                  aria-pressed={info ? 'true' : 'false'}
                  data-tip="Details (i)"
                  onClick={onToggleInfo}
                >
                  <Info aria-hidden="true" />
                </button>
                <button
                  type="button"
                  className="icg-vbtn"
                  data-testid="image-fullscreen-close"
                  aria-label="Close"
                  data-tip="Close (Esc)"
                  onClick={onClose}
                >
                  <X aria-hidden="true" />
                </button>
              </div>
            </div>

            {stage.w > 0 && (
              <div
                key={img.id}
                className="icg-frame"
                style={{ width: `${frameW}px`, height: `${frameH}px`, marginTop: `${padTop}px`, marginBottom: `${padBottom}px` }}
              >
                {img.thumb && (
                  <img
                    className={`icg-frame-thumb${isLoaded ? ' is-hidden' : ''}`}
                    src={img.thumb}
                    alt=""
                    aria-hidden="true"
                    draggable={false}
                  />
                )}
                <img
                  className={`icg-frame-full${isLoaded ? ' is-loaded' : ''}`}
                  data-testid="image-full"
                  src={imageUrl(base, img.id, 'png')}
                  alt={img.prompt || 'Generated image'}
                  decoding="async"
                  draggable={false}
                  onLoad={() => setLoaded((s) => ({ ...s, [img.id]: true }))}
                  onError={() => setBroken((s) => ({ ...s, [img.id]: true }))}
                />
                {!isLoaded && !isBroken && (
                  <span className="icg-frame-spinner" aria-label="Loading full image" role="status">
                    <LoaderCircle className="icg-spin" aria-hidden="true" />
                  </span>
                )}
                {isBroken && (
                  <span className="icg-frame-error" role="alert">
                    <ImageOff aria-hidden="true" /> Couldn’t load the full image
                  </span>
                )}
                {maskOn && (
                  <MaskLayer
                    strokes={strokes}
                    fullW={fullW}
                    fullH={fullH}
                    brush={brush}
                    onStroke={addStroke}
                  />
                )}
              </div>
            )}

            {editing && (
              <EditBar
                wrapRef={barRef}
                inputRef={inputRef}
                toggleRef={toggleRef}
                value={draft}
                onChange={setDraft}
                onSubmit={submitEdit}
                onCancel={() => onSetEditing(false)}
                maskOn={maskOn}
                onToggleMask={toggleMask}
                brush={brush}
                onBrush={setBrush}
                strokeCount={strokes.length}
                onUndo={() => handlers.current.undoStroke()}
                onClear={() => setMask((m) => ({ ...m, strokes: NO_STROKES }))}
              />
            )}

            {many && !(editing && narrow) && !maskOn && (
              <>
                <button
                  type="button"
                  className="icg-nav icg-nav-prev"
                  data-testid="image-prev"
                  aria-label="Previous image"
                  onClick={() => go(-1)}
                >
                  <ChevronLeft aria-hidden="true" />
                </button>
                <button
                  type="button"
                  className="icg-nav icg-nav-next"
                  data-testid="image-next"
                  aria-label="Next image"
                  onClick={() => go(1)}
                >
                  <ChevronRight aria-hidden="true" />
                </button>
              </>
            )}
          </div>
          {info && (
            <InfoPanel
              img={img}
              images={images}
              onNavigate={onNavigate}
              onHide={onToggleInfo}
              copied={copied}
              onCopy={onCopy}
            />
          )}
        </div>
      </div>
    );
  }

  // ---------------------------------------------------------------- root

  function ImageGallery({ data, api, callAction: call }) {
    // An image may have no id yet (pending, or failed before it got one): it gets a key from its
    // position, and only images with an id can be opened or downloaded.
    const images = useMemo(
      () =>
        (Array.isArray(data && data.images) ? data.images : [])
          .filter((x) => x && typeof x === 'object')
          .map((x, i) => {
            const hasId = x.id !== undefined && x.id !== null && x.id !== '';
            const status = statusOf(x);
            return {
              ...x,
              id: hasId ? String(x.id) : null,
              status: status === 'ready' && !hasId ? 'pending' : status,
              key: hasId ? `id:${x.id}` : `at:${i}`,
              position: i
            };
          }),
      [data]
    );
    const summary = data && typeof data.summary === 'string' && data.summary.trim() ? data.summary : null;
    const notes = (Array.isArray(data && data.notes) ? data.notes : []).filter(
      (x) => typeof x === 'string' && x.trim()
    );
    const base = useMemo(() => apiBase(api), [api]);
    const ready = useMemo(() => images.filter((x) => statusOf(x) === 'ready'), [images]);
    const interrupted = images.filter((x) => statusOf(x) === 'interrupted').length;
    const galleryId = data && typeof data.gallery_id === 'string' ? data.gallery_id : null;
    const retryable = !!(data && data.retryable && galleryId);

    const rootRef = useRef(null);
    const gridRef = useRef(null);
    const [width, setWidth] = useState(0);
    useLayoutEffect(() => {
      const el = gridRef.current;
      if (!el) return undefined;
      const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
      measure();
      const ro = new ResizeObserver(measure);
      ro.observe(el);
      return () => ro.disconnect();
    }, []);
    const rows = useMemo(() => layout(images, width), [images, width]);

    const [copied, onCopy] = useCopy();
    const [viewer, setViewer] = useState(null); // { id, info, edit }
    const restoreTo = useRef(null);

    const open = useCallback((id, withInfo, withEdit) => {
      const info = withInfo === null || withInfo === undefined ? readInfoPref() : withInfo;
      setViewer({ id, info, edit: !!withEdit });
    }, []);
    const close = useCallback(() => {
      setViewer((v) => {
        if (v) restoreTo.current = v.id;
        return null;
      });
    }, []);
    const navigate = useCallback((id) => setViewer((v) => (v ? { ...v, id } : v)), []);
    const setEditing = useCallback(
      (on) => setViewer((v) => (v && v.edit !== !!on ? { ...v, edit: !!on } : v)),
      []
    );

    // Actions. `call` is this render's callAction (bound to the current session).
    const callRef = useRef(call);
    callRef.current = call;
    const [busy, setBusy] = useState({}); // image id -> variations pending
    const busyIds = useRef(new Set());
    const actions = useRef({});
    actions.current.variations = async (id) => {
      if (!id || busyIds.current.has(id)) return;
      window[REVEAL_KEY] = { parent: id, at: Date.now() };
      busyIds.current.add(id);
      setBusy((b) => ({ ...b, [id]: true }));
      try {
        await invokeAction(callRef.current, 'image_variations', { image_id: id });
      } catch (err) {
        failToast('Couldn’t make variations', err, () => actions.current.variations(id));
      } finally {
        busyIds.current.delete(id);
        setBusy((b) => {
          const next = { ...b };
          delete next[id];
          return next;
        });
      }
    };
    // `mask`: the PNG data URL of the painted area, or nothing (then no `mask` key at all).
    actions.current.edit = (id, prompt, mask) => {
      if (!id || !prompt) return;
      close(); // the new message shows up in the chat, behind the viewer
      window[REVEAL_KEY] = { parent: id, at: Date.now() };
      const payload = mask ? { image_id: id, prompt, mask } : { image_id: id, prompt };
      invokeAction(callRef.current, 'image_edit', payload).catch((err) =>
        failToast('Couldn’t edit the image', err, () => actions.current.edit(id, prompt, mask))
      );
    };
    const [retrying, setRetrying] = useState(false);
    actions.current.retry = async () => {
      if (!galleryId || retrying) return;
      setRetrying(true);
      try {
        await invokeAction(callRef.current, 'image_retry', { gallery_id: galleryId });
      } catch (err) {
        failToast('Couldn’t retry', err, () => actions.current.retry());
      } finally {
        setRetrying(false);
      }
    };
    const variations = useCallback((id) => actions.current.variations(id), []);
    const edit = useCallback((id, prompt, mask) => actions.current.edit(id, prompt, mask), []);
    const toggleInfo = useCallback(
      () =>
        setViewer((v) => {
          if (!v) return v;
          writeInfoPref(!v.info);
          return { ...v, info: !v.info };
        }),
      []
    );

    // The shown image went away (or stopped being ready): close.
    useEffect(() => {
      if (viewer && !ready.some((x) => x.id === viewer.id)) setViewer(null);
    }, [viewer, ready]);

    // Focus goes back to the thumbnail of the image that was shown last.
    useEffect(() => {
      if (viewer || !restoreTo.current) return;
      const id = restoreTo.current;
      restoreTo.current = null;
      const root = rootRef.current;
      if (!root) return;
      const thumb = Array.from(root.querySelectorAll('[data-testid="image-thumbnail"]')).find(
        (el) => el.getAttribute('data-image-id') === String(id)
      );
      if (thumb) thumb.focus({ preventScroll: true });
    }, [viewer]);

    // The gallery an Edit or Variations just added at the end of the chat, maybe far below the
    // image it started from: it scrolls into view (its tiles fill in as the images come) and
    // takes the focus, once the viewer is closed. Older galleries (mounted before the action)
    // with the same parent are left alone.
    const mountedAt = useRef(Date.now());
    const revealTimer = useRef(null);
    useEffect(() => {
      const wanted = window[REVEAL_KEY];
      if (!wanted || mountedAt.current < wanted.at) return;
      if (!images.some((x) => x.parent_id === wanted.parent)) return;
      window[REVEAL_KEY] = null;
      const reveal = () => {
        const root = rootRef.current;
        if (!root) return;
        if (document.querySelector('.icg-viewer')) {
          revealTimer.current = setTimeout(reveal, 150); // not behind the open viewer
          return;
        }
        const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        const tall = root.getBoundingClientRect().height > window.innerHeight * 0.8;
        root.scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: tall ? 'start' : 'center' });
        root.focus({ preventScroll: true });
      };
      reveal();
    }, [images]);
    useEffect(() => () => clearTimeout(revealTimer.current), []);

    if (!images.length && !summary && !notes.length) return null;

    return (
      <div className="icg-gallery" data-testid="image-gallery" ref={rootRef} tabIndex={-1}>
        {summary && <div className="icg-summary">{summary}</div>}
        <div className="icg-grid" ref={gridRef}>
          {rows.map((row, r) => (
            <div className="icg-row" key={r}>
              {row.map((cell) => (
                <Tile
                  key={cell.img.key}
                  cell={cell}
                  base={base}
                  onOpen={open}
                  copied={copied}
                  onCopy={onCopy}
                  busy={!!(cell.img.id && busy[cell.img.id])}
                  onVariations={variations}
                />
              ))}
            </div>
          ))}
        </div>
        {interrupted > 0 && (
          <div className="icg-interrupted" data-testid="image-interrupted" role="status">
            <span>{INTERRUPTED_NOTE}</span>
            {retryable && (
              <button
                type="button"
                className="icg-retry"
                data-testid="image-retry"
                aria-disabled={retrying ? 'true' : undefined}
                onClick={() => actions.current.retry()}
              >
                {retrying ? (
                  <LoaderCircle className="icg-spin" aria-hidden="true" />
                ) : (
                  <RotateCcw aria-hidden="true" />
                )}
                <span>{interrupted > 1 ? `Retry ${interrupted} images` : 'Retry'}</span>
              </button>
            )}
          </div>
        )}
        {notes.length > 0 && (
          <ul className="icg-notes">
            {notes.map((note, i) => (
              <li key={i}>
                <Info aria-hidden="true" />
                <span>{note}</span>
              </li>
            ))}
          </ul>
        )}
        <Dialog open={!!viewer} onOpenChange={(o) => (o ? null : close())}>
          <DialogPortal>
            {viewer ? (
              <Viewer
                images={images}
                list={ready}
                id={viewer.id}
                info={viewer.info}
                editing={!!viewer.edit}
                busy={busy}
                base={base}
                onNavigate={navigate}
                onToggleInfo={toggleInfo}
                onSetEditing={setEditing}
                onVariations={variations}
                onEdit={edit}
                onClose={close}
              />
            ) : (
              <span />
            )}
          </DialogPortal>
        </Dialog>
      </div>
    );
  }

  return ImageGallery;
}

const ImageGalleryImpl = window[CACHE_KEY] || (window[CACHE_KEY] = defineImageGallery());

export default (
  <ImageGalleryImpl
    data={props}
    api={typeof apiClient === 'undefined' ? null : apiClient}
    callAction={typeof callAction === 'undefined' ? null : callAction}
  />
);
