// AWOOOI web console: session, live updates (server-sent events) and the list of cards.
// Served as static ES modules (the CSP allows no inline script).
import { button, el, list, text } from './dom.js';
import { renderCard } from './render-card.js';

const state = {
  session: null,
  cards: [],
  /** proposalId → { ok, text, state }: the answer to this browser's own click, shown to this user only. */
  messages: new Map(),
  busy: new Set(),
  events: null,
  refreshTimer: 0,
  loading: false,
  reloadAgain: false,
};

const $ = (id) => document.getElementById(id);
const severityRank = { critical: 0, high: 1, warning: 2, info: 3 };

function notice(message) {
  const box = $('notice');
  box.textContent = message ?? '';
  box.hidden = !message;
}

async function getJson(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  let data = null;
  try {
    data = await response.json();
  } catch {}
  return { status: response.status, data };
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': state.session?.csrfToken ?? '' },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {}
  return { status: response.status, data };
}

const errorText = (result, fallback) => text(result.data?.error?.message) || fallback;

// ---- session -------------------------------------------------------------------------------------------

async function loadSession() {
  const result = await getJson('/console/session');
  if (result.status !== 200 || !result.data) {
    notice('The console cannot reach the bot; retrying…');
    setTimeout(loadSession, 5000);
    return;
  }
  state.session = result.data;
  renderAuth();
  const canView = state.session.demo || state.session.person;
  if (canView) {
    notice(null);
    connectEvents();
    scheduleRefresh(0);
  } else {
    disconnectEvents();
    state.cards = [];
    renderCards();
    notice('Sign in to see incidents.');
  }
}

async function signIn(personId, password) {
  const result = await post('/console/sign-in', password === undefined ? { personId } : { personId, password });
  if (result.status === 200) {
    state.messages.clear();
    await loadSession();
  } else {
    if (result.status === 403) await loadSession();
    notice(errorText(result, 'Sign-in failed.'));
  }
}

async function signOut() {
  await post('/console/sign-out', {});
  state.messages.clear();
  await loadSession();
}

function renderAuth() {
  const auth = $('auth');
  const session = state.session;
  if (session.person) {
    auth.replaceChildren(
      el('span', { class: 'who' }, 'Signed in as ', el('strong', {}, text(session.person.name)), ` (${list(session.person.roles).join(', ')})`),
      button('Sign out', 'btn btn-quiet', signOut, { 'data-testid': 'sign-out' }),
    );
  } else if (session.demo) {
    auth.replaceChildren(
      el('span', { class: 'who' }, 'Sign in as'),
      ...list(session.demoPeople).map((person) =>
        button(`${text(person.name)} · ${list(person.roles).join(', ')}`, 'btn btn-person', () => signIn(person.id), { 'data-person': person.id }),
      ),
    );
  } else {
    const id = el('input', { name: 'personId', placeholder: 'person id', autocomplete: 'username', required: true, 'aria-label': 'person id' });
    const password = el('input', {
      name: 'password',
      type: 'password',
      placeholder: 'password',
      autocomplete: 'current-password',
      required: true,
      'aria-label': 'password',
    });
    const form = el('form', { class: 'sign-in' }, id, password, el('button', { type: 'submit', class: 'btn' }, 'Sign in'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void signIn(id.value.trim(), password.value);
    });
    auth.replaceChildren(form);
  }
}

// ---- live updates ----------------------------------------------------------------------------------------

function setConnection(connected) {
  const box = $('connection');
  box.dataset.state = connected ? 'live' : 'reconnecting';
  box.textContent = connected ? 'live' : 'reconnecting…';
}

function connectEvents() {
  if (state.events) return;
  const source = new EventSource('/console/events');
  state.events = source;
  source.addEventListener('open', () => {
    setConnection(true);
    scheduleRefresh(0); // catch up on anything missed while disconnected
  });
  source.addEventListener('incident-updated', () => scheduleRefresh(100));
  source.addEventListener('error', () => {
    setConnection(false);
    if (source.readyState === EventSource.CLOSED) {
      // Refused (signed out elsewhere, or the server restarted): start over from the session.
      state.events = null;
      setTimeout(loadSession, 3000);
    }
  });
}

function disconnectEvents() {
  state.events?.close();
  state.events = null;
  setConnection(false);
}

/** Coalesces bursts of updates into one fetch of the cards. */
function scheduleRefresh(delay) {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(loadCards, delay);
}

async function loadCards() {
  if (state.loading) {
    state.reloadAgain = true;
    return;
  }
  state.loading = true;
  try {
    const result = await getJson('/console/cards');
    if (result.status === 200 && result.data) {
      state.cards = list(result.data.cards);
      notice(null);
      renderCards();
    } else if (result.status === 401) {
      await loadSession();
    } else {
      notice(errorText(result, 'Incidents are unavailable right now; retrying.'));
      scheduleRefresh(5000);
    }
  } catch {
    notice('The console cannot reach the bot; retrying…');
    scheduleRefresh(5000);
  } finally {
    state.loading = false;
    if (state.reloadAgain) {
      state.reloadAgain = false;
      scheduleRefresh(0);
    }
  }
}

async function click(proposalId, decision) {
  const current = text(state.cards.find((card) => card?.proposal?.id === proposalId)?.proposal?.state);
  state.busy.add(proposalId);
  renderCards();
  try {
    const result = await post('/console/click', { proposalId, decision });
    // The answer stays in view while the proposal is in the state it speaks about; the outcome takes over after.
    if (result.data && result.data.ok === true) state.messages.set(proposalId, { ok: true, text: text(result.data.message), state: text(result.data.state) });
    else state.messages.set(proposalId, { ok: false, text: errorText(result, 'Your click was not recorded.'), state: current });
    if (result.status === 401 || result.status === 403) await loadSession();
  } catch {
    state.messages.set(proposalId, { ok: false, text: 'The bot did not answer; reload to see the current state.', state: current });
  } finally {
    state.busy.delete(proposalId);
    renderCards();
    scheduleRefresh(0);
  }
}

// ---- cards -------------------------------------------------------------------------------------------------

function renderCards() {
  const view = {
    person: state.session?.person ?? null,
    answer: (proposalId) => state.messages.get(proposalId),
    busy: (proposalId) => state.busy.has(proposalId),
    onClick: (proposalId, decision) => void click(proposalId, decision),
  };
  const sorted = [...state.cards].sort(
    (a, b) =>
      (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1) ||
      (severityRank[a.severity] ?? 9) - (severityRank[b.severity] ?? 9) ||
      text(b.openedAt).localeCompare(text(a.openedAt)),
  );
  const nodes = sorted.map((card) => {
    try {
      return renderCard(card, view);
    } catch {
      return el('article', { class: 'card' }, el('p', { class: 'muted' }, `Incident #${text(card?.number)} could not be shown.`));
    }
  });
  $('cards').replaceChildren(...nodes);
  $('empty').hidden = nodes.length > 0 || !(state.session?.demo || state.session?.person);
}

// Relative times ("3 min ago") stay right without a server round trip.
setInterval(() => {
  if (state.cards.length > 0) renderCards();
}, 30_000);

void loadSession();
