// AgentEditor: create an agent, edit one of yours, duplicate a preset (side panel, `/agents`).
//
// A Chainlit 2.12 CustomElement (see ImageGallery.jsx for the ground rules: a fixed import table,
// no react-dom, prebuilt Tailwind, so layout classes `agent-*` live in public/imagechat.css).
// Chainlit re-evaluates this file on every render, so the component is defined once per page and
// cached on `window`; the default export is an element of that stable type.
//
// props: { agents: [{ ref, kind: "preset"|"own", name, version, updatedAt, iconUrl, spec }],
//          selected, models: [{ id, label, description, available, tools }],
//          imageModels: [{ id, label, description, available, sizes, styles, maxN }],
//          sizes, qualities, maxImages, icons: [{ name, url }], imageCreation: { label, tooltip } }
//
// Actions (the app's @cl.action_callback; each returns { ok, message, errors?, agent?, agents? }):
//   agent_save      { ref: "agent:<id>" | null, spec }   a new agent, or the next version
//   agent_duplicate { ref }                              copy a preset (or an agent) as yours
//   agent_delete    { ref }
//   agent_start     { ref }   then the page reloads with that agent picked at the top
// The server validates with the same pydantic spec as preset files, shows the toast, and returns
// field errors ({ field: "internal_tools.image_creation.mode", message }) for the form.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { Switch } from '@/components/ui/switch';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import {
  Select,
  SelectContent,
  SelectItem,
  SelectTrigger,
  SelectValue
} from '@/components/ui/select';
import { Popover, PopoverContent, PopoverTrigger } from '@/components/ui/popover';
import {
  Tooltip,
  TooltipContent,
  TooltipProvider,
  TooltipTrigger
} from '@/components/ui/tooltip';
import {
  ArrowLeft,
  Copy,
  Info,
  LoaderCircle,
  Lock,
  MessageSquarePlus,
  Plus,
  Save,
  Trash2,
  X
} from 'lucide-react';
import { toast } from 'sonner';

const CACHE_KEY = '__imagechat_AgentEditor_v1';

function defineAgentEditor() {
  const DEFAULT = '__default__'; // Radix Select refuses an empty value

  const BLANK = {
    name: '',
    description: '',
    icon: 'bot',
    instructions: '',
    model: null,
    internal_tools: { image_creation: { enabled: false, mode: 'auto' } },
    image_defaults: { model: null, size: null, quality: null, style: null, n: null },
    starters: []
  };

  // ---------------------------------------------------------------- helpers

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function normalise(spec) {
    const s = clone({ ...BLANK, ...(spec || {}) });
    s.internal_tools = {
      image_creation: { ...BLANK.internal_tools.image_creation, ...(s.internal_tools || {}).image_creation }
    };
    s.image_defaults = { ...BLANK.image_defaults, ...(s.image_defaults || {}) };
    s.starters = Array.isArray(s.starters) ? s.starters : [];
    return s;
  }

  function setPath(obj, path, value) {
    const next = clone(obj);
    let node = next;
    for (let i = 0; i < path.length - 1; i += 1) node = node[path[i]];
    node[path[path.length - 1]] = value;
    return next;
  }

  function errorText(err) {
    if (!err) return 'Something went wrong.';
    if (typeof err.detail === 'string' && err.detail) return err.detail;
    return err.message ? String(err.message) : String(err);
  }

  async function invoke(call, name, payload) {
    if (typeof call !== 'function') throw new Error('Actions are not available on this page.');
    const res = await call({ name, payload });
    if (!res) throw new Error('Not connected to the server. Reload the page and try again.');
    if (res.success === false) throw new Error('The server could not run this action.');
    return res.response || {};
  }

  function appBase(api) {
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

  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  // ---------------------------------------------------------------- small pieces

  function AgentIcon({ url, size }) {
    return (
      <img
        className="agent-icon"
        src={url}
        alt=""
        aria-hidden="true"
        style={{ width: size || 28, height: size || 28 }}
      />
    );
  }

  function FieldError({ errors, field }) {
    const message = errors[field];
    if (!message) return null;
    return (
      <p className="agent-error" data-testid={`agent-error-${field}`} role="alert">
        {message}
      </p>
    );
  }

  function Field({ label, hint, htmlFor, errors, field, children }) {
    return (
      <div className={`agent-field${errors && errors[field] ? ' agent-field-invalid' : ''}`}>
        <label className="agent-label" htmlFor={htmlFor}>
          {label}
        </label>
        {children}
        {hint && <p className="agent-hint">{hint}</p>}
        {errors && <FieldError errors={errors} field={field} />}
      </div>
    );
  }

  function PickSelect({ id, testId, value, onChange, items, disabled, placeholder }) {
    return (
      <Select
        value={value === null || value === undefined ? DEFAULT : String(value)}
        onValueChange={(v) => onChange(v === DEFAULT ? null : v)}
        disabled={disabled}
      >
        <SelectTrigger id={id} data-testid={testId} className="agent-select">
          <SelectValue placeholder={placeholder} />
        </SelectTrigger>
        <SelectContent>
          {items.map((item) => (
            <SelectItem key={item.value} value={item.value} disabled={item.disabled}>
              {item.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    );
  }

  function IconPicker({ icons, value, url, onChange, disabled }) {
    const [open, setOpen] = useState(false);
    const [emoji, setEmoji] = useState('');
    return (
      <Popover open={open} onOpenChange={setOpen}>
        <PopoverTrigger asChild>
          <button
            type="button"
            className="agent-icon-button"
            data-testid="agent-icon"
            disabled={disabled}
            aria-label={`Icon: ${value}. Change the icon`}
          >
            <AgentIcon url={url} size={40} />
          </button>
        </PopoverTrigger>
        <PopoverContent className="agent-icon-popover" align="start">
          <div className="agent-icon-grid" role="listbox" aria-label="Icons">
            {icons.map((icon) => (
              <button
                key={icon.name}
                type="button"
                role="option"
                aria-selected={icon.name === value}
                title={icon.name}
                className={`agent-icon-choice${icon.name === value ? ' agent-icon-choice-on' : ''}`}
                onClick={() => {
                  onChange(icon.name);
                  setOpen(false);
                }}
              >
                <AgentIcon url={icon.url} size={28} />
              </button>
            ))}
          </div>
          <form
            className="agent-emoji-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (emoji.trim()) {
                onChange(emoji.trim());
                setEmoji('');
                setOpen(false);
              }
            }}
          >
            <Input
              value={emoji}
              onChange={(e) => setEmoji(e.target.value)}
              placeholder="…or type one emoji"
              maxLength={16}
              aria-label="Emoji icon"
            />
            <Button type="submit" size="sm" variant="secondary" disabled={!emoji.trim()}>
              Use
            </Button>
          </form>
        </PopoverContent>
      </Popover>
    );
  }

  function Section({ title, children }) {
    return (
      <section className="agent-section">
        <h3 className="agent-section-title">{title}</h3>
        <div className="agent-section-body">{children}</div>
      </section>
    );
  }

  // ---------------------------------------------------------------- the list

  function AgentRow({ agent, onOpen }) {
    const spec = agent.spec || {};
    const on = spec.internal_tools && spec.internal_tools.image_creation.enabled;
    return (
      <li>
        <button
          type="button"
          className="agent-row"
          data-testid="agent-row"
          data-ref={agent.ref}
          onClick={() => onOpen(agent.ref)}
        >
          <AgentIcon url={agent.iconUrl} size={32} />
          <span className="agent-row-text">
            <span className="agent-row-name">{agent.name}</span>
            <span className="agent-row-desc">{spec.description || 'No description'}</span>
          </span>
          <span className="agent-row-meta">
            {agent.kind === 'preset' ? (
              <span className="agent-chip">Preset</span>
            ) : (
              <span className="agent-chip">v{agent.version}</span>
            )}
            {on && <span className="agent-chip agent-chip-accent">Images</span>}
          </span>
        </button>
      </li>
    );
  }

  function AgentList({ agents, onOpen, onNew }) {
    const own = agents.filter((a) => a.kind === 'own');
    const shared = agents.filter((a) => a.kind === 'preset');
    return (
      <div className="agent-list" data-testid="agent-list">
        <div className="agent-list-head">
          <p className="agent-subtitle">
            An agent is a set of instructions, a chat model and tools that new conversations start
            with. Pick one in the menu at the top of the conversation.
          </p>
          <Button size="sm" onClick={onNew} data-testid="agent-new">
            <Plus className="agent-btn-icon" /> New agent
          </Button>
        </div>
        <h3 className="agent-section-title">Your agents</h3>
        {own.length ? (
          <ul className="agent-rows">
            {own.map((a) => (
              <AgentRow key={a.ref} agent={a} onOpen={onOpen} />
            ))}
          </ul>
        ) : (
          <p className="agent-empty">
            None yet. Create one, or duplicate a preset below to start from it.
          </p>
        )}
        <h3 className="agent-section-title">Presets</h3>
        <ul className="agent-rows">
          {shared.map((a) => (
            <AgentRow key={a.ref} agent={a} onOpen={onOpen} />
          ))}
        </ul>
      </div>
    );
  }

  // ---------------------------------------------------------------- the form

  function AgentForm({ data, agent, draft, setDraft, errors, busy, onBack, onSave, onDuplicate, onDelete, onStart }) {
    const readOnly = !!agent && agent.kind === 'preset';
    const isNew = !agent;
    const dirty = useMemo(
      () => isNew || JSON.stringify(normalise(agent.spec)) !== JSON.stringify(draft),
      [isNew, agent, draft]
    );
    const set = (path) => (value) => setDraft((d) => setPath(d, path, value));
    const creation = draft.internal_tools.image_creation;
    const defaults = draft.image_defaults;
    const iconUrl = useMemo(() => {
      const known = (data.icons || []).find((i) => i.name === draft.icon);
      if (known) return known.url;
      if (agent && agent.spec && agent.spec.icon === draft.icon) return agent.iconUrl;
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">' +
        '<rect width="32" height="32" rx="8" fill="#eef2f7"/><text x="16" y="17" ' +
        'text-anchor="middle" dominant-baseline="central" font-size="20">' +
        String(draft.icon).replace(/[<&>]/g, '') +
        '</text></svg>';
      return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
    }, [data.icons, draft.icon, agent]);

    const models = data.models || [];
    const chosenModel = models.find((m) => m.id === draft.model);
    const imageModels = data.imageModels || [];
    const chosenImageModel = imageModels.find((m) => m.id === defaults.model);
    const sizes = chosenImageModel ? chosenImageModel.sizes : data.sizes || [];
    const toolsWarning =
      creation.enabled && chosenModel && !chosenModel.tools
        ? `${chosenModel.label} cannot call tools, so it cannot create images.`
        : null;

    return (
      <div className="agent-form" data-testid="agent-form">
        <div className="agent-form-bar">
          <Button variant="ghost" size="sm" onClick={onBack} data-testid="agent-back">
            <ArrowLeft className="agent-btn-icon" /> All agents
          </Button>
          <div className="agent-form-bar-actions">
            {readOnly ? (
              <Button size="sm" onClick={onDuplicate} disabled={busy} data-testid="agent-duplicate">
                <Copy className="agent-btn-icon" /> Duplicate
              </Button>
            ) : (
              <Button
                size="sm"
                onClick={onSave}
                disabled={busy || !dirty}
                data-testid="agent-save"
              >
                {busy ? (
                  <LoaderCircle className="agent-btn-icon agent-spin" />
                ) : (
                  <Save className="agent-btn-icon" />
                )}
                Save
              </Button>
            )}
          </div>
        </div>

        <div className="agent-form-head">
          <IconPicker
            icons={data.icons || []}
            value={draft.icon}
            url={iconUrl}
            onChange={set(['icon'])}
            disabled={readOnly}
          />
          <div className="agent-form-head-text">
            <h2 className="agent-title" data-testid="agent-heading">
              {draft.name || (isNew ? 'New agent' : 'Untitled agent')}
            </h2>
            <p className="agent-subtitle" data-testid="agent-version">
              {isNew
                ? 'Not saved yet'
                : readOnly
                  ? 'Preset · shared with everyone'
                  : `Version ${agent.version}${agent.updatedAt ? ` · saved ${when(agent.updatedAt)}` : ''}`}
            </p>
          </div>
        </div>
        <FieldError errors={errors} field="icon" />

        {readOnly && (
          <div className="agent-banner" role="note">
            <Lock className="agent-banner-icon" />
            <span>Presets are shared by everyone and cannot be changed. Duplicate it to make your own.</span>
          </div>
        )}
        {errors[''] && <p className="agent-error">{errors['']}</p>}

        <Tabs defaultValue="configuration" className="agent-tabs">
          <TabsList className="agent-tabs-list">
            <TabsTrigger value="configuration" data-testid="agent-tab-configuration">
              Configuration
            </TabsTrigger>
            <TabsTrigger value="starters" data-testid="agent-tab-starters">
              Starters{draft.starters.length ? ` (${draft.starters.length})` : ''}
            </TabsTrigger>
          </TabsList>

          <TabsContent value="configuration" className="agent-tab">
            <Section title="General">
              <Field label="Name" htmlFor="agent-name" errors={errors} field="name">
                <Input
                  id="agent-name"
                  data-testid="agent-name"
                  value={draft.name}
                  maxLength={64}
                  placeholder="e.g. Poster studio"
                  readOnly={readOnly}
                  onChange={(e) => set(['name'])(e.target.value)}
                />
              </Field>
              <Field
                label="Description"
                hint="Shown in the agent menu at the top of the conversation."
                htmlFor="agent-description"
                errors={errors}
                field="description"
              >
                <Textarea
                  id="agent-description"
                  data-testid="agent-description"
                  value={draft.description}
                  rows={2}
                  maxLength={500}
                  readOnly={readOnly}
                  placeholder="What this agent is good at, in a sentence or two"
                  onChange={(e) => set(['description'])(e.target.value)}
                />
              </Field>
            </Section>

            <Section title="Instructions">
              <Field
                label="System prompt"
                hint="How the agent behaves. Leave empty for ImageChat's default assistant."
                htmlFor="agent-instructions"
                errors={errors}
                field="instructions"
              >
                <Textarea
                  id="agent-instructions"
                  data-testid="agent-instructions"
                  className="agent-instructions"
                  value={draft.instructions}
                  rows={8}
                  readOnly={readOnly}
                  placeholder="You are a friendly designer who…"
                  onChange={(e) => set(['instructions'])(e.target.value)}
                />
              </Field>
            </Section>

            <Section title="Model">
              <Field
                label="Chat model"
                hint={chosenModel ? chosenModel.description : 'The default chat model of ImageChat.'}
                htmlFor="agent-model"
                errors={errors}
                field="model"
              >
                <PickSelect
                  id="agent-model"
                  testId="agent-model"
                  value={draft.model}
                  onChange={set(['model'])}
                  disabled={readOnly}
                  items={[
                    { value: DEFAULT, label: 'Default model' },
                    ...models.map((m) => ({
                      value: m.id,
                      label: m.available ? m.label : `${m.label} (no API key)`
                    }))
                  ]}
                />
              </Field>
            </Section>

            <Section title="Toolkits">
              <div className="agent-toggle-row" data-testid="agent-toolkit-image-creation">
                <div className="agent-toggle-text">
                  <div className="agent-toggle-label">
                    <label htmlFor="agent-image-creation">
                      {(data.imageCreation && data.imageCreation.label) || 'Image creation'}
                    </label>
                    <Tooltip>
                      <TooltipTrigger asChild>
                        <button
                          type="button"
                          className="agent-info"
                          data-testid="agent-image-creation-info"
                          aria-label={(data.imageCreation && data.imageCreation.tooltip) || ''}
                        >
                          <Info aria-hidden="true" />
                        </button>
                      </TooltipTrigger>
                      <TooltipContent className="agent-tooltip" data-testid="agent-image-creation-tooltip">
                        {(data.imageCreation && data.imageCreation.tooltip) ||
                          'Enable AI-powered image generation capabilities'}
                      </TooltipContent>
                    </Tooltip>
                  </div>
                  <p className="agent-hint">
                    New conversations with this agent can create images with the generate_image tool.
                  </p>
                </div>
                <Switch
                  id="agent-image-creation"
                  data-testid="agent-image-creation"
                  checked={!!creation.enabled}
                  disabled={readOnly}
                  onCheckedChange={(v) => set(['internal_tools', 'image_creation', 'enabled'])(!!v)}
                />
              </div>
              {toolsWarning && <p className="agent-warning">{toolsWarning}</p>}
            </Section>

            {creation.enabled && (
              <Section title="Image creation">
                <Field label="When to create images" errors={errors} field="internal_tools.image_creation.mode">
                  <div className="agent-segments" role="radiogroup" aria-label="When to create images">
                    {[
                      ['auto', 'Auto', 'The model decides'],
                      ['always', 'Always', 'Every message']
                    ].map(([value, label, hint]) => (
                      <button
                        key={value}
                        type="button"
                        role="radio"
                        aria-checked={creation.mode === value}
                        data-testid={`agent-mode-${value}`}
                        disabled={readOnly}
                        className={`agent-segment${creation.mode === value ? ' agent-segment-on' : ''}`}
                        onClick={() => set(['internal_tools', 'image_creation', 'mode'])(value)}
                      >
                        <span>{label}</span>
                        <small>{hint}</small>
                      </button>
                    ))}
                  </div>
                </Field>
                <Field
                  label="Image model"
                  hint={chosenImageModel ? chosenImageModel.description : 'The chat model’s default image model.'}
                  htmlFor="agent-image-model"
                  errors={errors}
                  field="image_defaults.model"
                >
                  <PickSelect
                    id="agent-image-model"
                    testId="agent-image-model"
                    value={defaults.model}
                    onChange={set(['image_defaults', 'model'])}
                    disabled={readOnly}
                    items={[
                      { value: DEFAULT, label: 'Default for the chat model' },
                      ...imageModels.map((m) => ({
                        value: m.id,
                        label: m.available ? m.label : `${m.label} (no API key)`
                      }))
                    ]}
                  />
                </Field>
                <div className="agent-grid">
                  <Field label="Size" htmlFor="agent-size" errors={errors} field="image_defaults.size">
                    <PickSelect
                      id="agent-size"
                      testId="agent-size"
                      value={defaults.size}
                      onChange={set(['image_defaults', 'size'])}
                      disabled={readOnly}
                      items={[
                        { value: DEFAULT, label: 'Auto' },
                        ...sizes.filter((s) => s !== 'auto').map((s) => ({ value: s, label: s.replace('x', ' × ') }))
                      ]}
                    />
                  </Field>
                  <Field label="Quality" htmlFor="agent-quality" errors={errors} field="image_defaults.quality">
                    <PickSelect
                      id="agent-quality"
                      testId="agent-quality"
                      value={defaults.quality}
                      onChange={set(['image_defaults', 'quality'])}
                      disabled={readOnly}
                      items={[
                        { value: DEFAULT, label: 'Auto' },
                        ...(data.qualities || [])
                          .filter((q) => q !== 'auto')
                          .map((q) => ({ value: q, label: q.charAt(0).toUpperCase() + q.slice(1) }))
                      ]}
                    />
                  </Field>
                  <Field label="Images per request" htmlFor="agent-n" errors={errors} field="image_defaults.n">
                    <PickSelect
                      id="agent-n"
                      testId="agent-n"
                      value={defaults.n}
                      onChange={(v) => set(['image_defaults', 'n'])(v === null ? null : Number(v))}
                      disabled={readOnly}
                      items={[
                        { value: DEFAULT, label: 'Model decides' },
                        ...Array.from({ length: data.maxImages || 10 }, (_, i) => ({
                          value: String(i + 1),
                          label: String(i + 1)
                        }))
                      ]}
                    />
                  </Field>
                  <Field label="Style" htmlFor="agent-style" errors={errors} field="image_defaults.style">
                    <Input
                      id="agent-style"
                      data-testid="agent-style"
                      value={defaults.style || ''}
                      maxLength={200}
                      readOnly={readOnly}
                      placeholder="e.g. watercolor"
                      onChange={(e) => set(['image_defaults', 'style'])(e.target.value || null)}
                    />
                  </Field>
                </div>
                <p className="agent-hint">
                  Defaults apply when the model does not choose a value itself.
                </p>
              </Section>
            )}
          </TabsContent>

          <TabsContent value="starters" className="agent-tab">
            <Section title="Conversation starters">
              <p className="agent-hint">
                Suggestions shown on an empty conversation with this agent (up to 8).
              </p>
              {draft.starters.map((starter, i) => (
                <div className="agent-starter" key={i} data-testid="agent-starter">
                  <div className="agent-starter-fields">
                    <Input
                      value={starter.label}
                      maxLength={60}
                      readOnly={readOnly}
                      placeholder="Label"
                      aria-label={`Starter ${i + 1} label`}
                      onChange={(e) => set(['starters', i, 'label'])(e.target.value)}
                    />
                    <Textarea
                      value={starter.message}
                      rows={2}
                      maxLength={2000}
                      readOnly={readOnly}
                      placeholder="The message it sends"
                      aria-label={`Starter ${i + 1} message`}
                      onChange={(e) => set(['starters', i, 'message'])(e.target.value)}
                    />
                    <FieldError errors={errors} field={`starters[${i}].label`} />
                    <FieldError errors={errors} field={`starters[${i}].message`} />
                  </div>
                  {!readOnly && (
                    <Button
                      variant="ghost"
                      size="icon"
                      aria-label={`Remove starter ${i + 1}`}
                      onClick={() => setDraft((d) => ({ ...d, starters: d.starters.filter((_, j) => j !== i) }))}
                    >
                      <X className="agent-btn-icon" />
                    </Button>
                  )}
                </div>
              ))}
              {!readOnly && draft.starters.length < 8 && (
                <Button
                  variant="outline"
                  size="sm"
                  data-testid="agent-add-starter"
                  onClick={() =>
                    setDraft((d) => ({ ...d, starters: [...d.starters, { label: '', message: '' }] }))
                  }
                >
                  <Plus className="agent-btn-icon" /> Add a starter
                </Button>
              )}
              <FieldError errors={errors} field="starters" />
            </Section>
          </TabsContent>
        </Tabs>

        {!isNew && (
          <div className="agent-form-foot">
            <Button
              variant="secondary"
              size="sm"
              onClick={onStart}
              disabled={busy || dirty}
              title={dirty ? 'Save first' : 'Start a new conversation with this agent'}
              data-testid="agent-start"
            >
              <MessageSquarePlus className="agent-btn-icon" /> Start a conversation
            </Button>
            {!readOnly && (
              <Button variant="ghost" size="sm" onClick={onDelete} disabled={busy} data-testid="agent-delete">
                <Trash2 className="agent-btn-icon" /> Delete
              </Button>
            )}
          </div>
        )}
      </div>
    );
  }

  // ---------------------------------------------------------------- the element

  function AgentEditor({ data, api, callAction: call }) {
    const [agents, setAgents] = useState(() => data.agents || []);
    const [view, setView] = useState(() => (data.selected ? { ref: data.selected } : null));
    const [draft, setDraft] = useState(() => {
      const agent = (data.agents || []).find((a) => a.ref === data.selected);
      return normalise(agent ? agent.spec : BLANK);
    });
    const [errors, setErrors] = useState({});
    const [busy, setBusy] = useState(false);
    const callRef = useRef(call);
    callRef.current = call;

    // A re-sent element (the user typed /agents again) brings fresh data.
    useEffect(() => setAgents(data.agents || []), [data.agents]);

    const current = view && view.ref ? agents.find((a) => a.ref === view.ref) || null : null;
    const dirty =
      !!view && JSON.stringify(draft) !== JSON.stringify(normalise(current ? current.spec : BLANK));

    const open = useCallback(
      (ref) => {
        const agent = agents.find((a) => a.ref === ref);
        setView({ ref });
        setDraft(normalise(agent ? agent.spec : BLANK));
        setErrors({});
      },
      [agents]
    );
    const confirmLeave = () =>
      !dirty || (current && current.kind === 'preset') || window.confirm('Discard your unsaved changes?');

    const run = async (name, payload, after) => {
      setBusy(true);
      try {
        const res = await invoke(callRef.current, name, payload);
        if (!res.ok) {
          const map = {};
          (res.errors || []).forEach((e) => {
            if (!(e.field in map)) map[e.field] = e.message;
          });
          setErrors(map);
          return;
        }
        setErrors({});
        if (res.agents) setAgents(res.agents);
        if (after) after(res);
      } catch (err) {
        toast.error('Couldn’t reach ImageChat', { description: errorText(err) });
      } finally {
        setBusy(false);
      }
    };

    const showAgent = (res) => {
      setView({ ref: res.agent.ref });
      setDraft(normalise(res.agent.spec));
    };

    const save = () =>
      run('agent_save', { ref: current && current.kind === 'own' ? current.ref : null, spec: draft }, showAgent);
    const duplicate = () => run('agent_duplicate', { ref: current.ref }, showAgent);
    const remove = () => {
      if (!window.confirm(`Delete “${current.name}” and all its versions? Conversations keep their messages.`)) return;
      run('agent_delete', { ref: current.ref }, () => setView(null));
    };
    const start = () =>
      run('agent_start', { ref: current.ref }, () => window.location.assign(`${appBase(api)}/`));

    return (
      <TooltipProvider delayDuration={150}>
        <div className="agent-editor" data-testid="agent-editor">
          {view ? (
            <AgentForm
              data={data}
              agent={current}
              draft={draft}
              setDraft={setDraft}
              errors={errors}
              busy={busy}
              onBack={() => confirmLeave() && setView(null)}
              onSave={save}
              onDuplicate={duplicate}
              onDelete={remove}
              onStart={start}
            />
          ) : (
            <AgentList
              agents={agents}
              onOpen={open}
              onNew={() => {
                setView({ ref: null });
                setDraft(normalise(BLANK));
                setErrors({});
              }}
            />
          )}
        </div>
      </TooltipProvider>
    );
  }

  return AgentEditor;
}

const AgentEditorImpl = window[CACHE_KEY] || (window[CACHE_KEY] = defineAgentEditor());

export default (
  <AgentEditorImpl
    data={props}
    api={typeof apiClient === 'undefined' ? null : apiClient}
    callAction={typeof callAction === 'undefined' ? null : callAction}
  />
);
