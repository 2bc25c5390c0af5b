/**
 * The zoo's pages (/login or /signin, and per UI /notes, /dashboard, /settings, /tasks; see `zooPages`), plain
 * DOM. `window.ZOO` (set by the server's HTML shell) says which client, server shape and UI this app is. Links
 * between the app's pages navigate in the page (as a single-page app does), so an access token held in memory
 * survives them; a full page load resumes the session.
 */
import axios from 'axios';
import { ZOO_THEMES, type ZooPageConfig, zooHome, zooLoginPath, zooPages } from '../types.js';
import { el, signInForm } from './dom.js';
import { createZooHttp } from './http.js';

const zoo = (window as unknown as { ZOO: ZooPageConfig }).ZOO;
const api = createZooHttp(zoo);
const { http } = api;
const root = document.getElementById('app')!;
const loginPath = zooLoginPath(zoo.shape);
const home = zooHome(zoo.ui);
const appPages = zooPages(zoo.ui);
const TITLES: Record<string, string> = {
  '/notes': 'Notes',
  '/dashboard': 'Dashboard',
  '/settings': 'Settings',
  '/tasks': 'Tasks',
};

function nav(): HTMLElement {
  const bar = el('nav');
  // Notes first, then Dashboard, then the rest (the order of the original two-page app).
  const order = ['/notes', '/dashboard', '/settings', '/tasks'].filter((path) => appPages.includes(path));
  bar.append(...order.map((path) => el('a', { href: path }, TITLES[path])));
  return bar;
}

const describe = (error: unknown) => {
  const status = axios.isAxiosError(error) ? error.response?.status : undefined;
  return status ? `the server answered ${status}` : 'the server could not be reached';
};

async function loginPage() {
  root.replaceChildren(el('p', {}, 'Checking your session…'));
  if (zoo.shape.sessionCheck) {
    // "Is there a session already?", as login pages do: through the app's own client, then a refresh.
    const me = await http.get('/api/me').then(
      () => true,
      () => false,
    );
    const resumed =
      !me && api.transport !== 'storage'
        ? await api.refresh().then(
            () => true,
            () => false,
          )
        : false;
    if (me || resumed) {
      location.href = home;
      return;
    }
  }
  root.replaceChildren(
    signInForm(async (fields) => {
      const answer = await axios.post('/api/auth/login', fields);
      api.keep(answer.data);
      location.href = home;
    }, describe),
  );
}

function notesPage() {
  const list = el('ul', { id: 'notes' });
  const note = el('textarea', { id: 'note', placeholder: 'Write a note' });
  const save = el('button', { id: 'save', type: 'button' }, 'Save');
  const result = el('div', { id: 'result' });
  root.replaceChildren(nav(), el('h1', {}, 'Notes'), list, note, save, result);

  const show = (text: string) => list.append(el('li', {}, text));
  http.get('/api/notes').then(
    ({ data }) => {
      for (const item of (data as { notes: Array<{ text: string }> }).notes) show(item.text);
      list.classList.add('loaded');
    },
    (error) =>
      result.replaceChildren(el('p', { class: 'error' }, `Could not load the notes: ${describe(error)}`)),
  );

  save.addEventListener('click', async () => {
    if (zoo.shape.freezeOnSave) {
      // A renderer stuck in a synchronous loop: the page stops responding.
      for (;;) {
        /* frozen */
      }
    }
    result.replaceChildren();
    save.disabled = true;
    try {
      const { data } = await http.post('/api/notes', { text: note.value });
      show((data as { text: string }).text);
      // The text stays in the field, so a test can tell it was kept.
      result.replaceChildren(el('p', { class: 'saved' }, 'Saved'));
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error' }, `Could not save: ${describe(error)}`));
    } finally {
      save.disabled = false;
    }
  });
}

function dashboardPage() {
  const panels = el('div', { class: 'panels' });
  const status = el('p', { id: 'status' }, 'Status: checking…');
  root.replaceChildren(nav(), el('h1', {}, 'Dashboard'), panels, status);
  for (let n = 1; n <= 5; n++) {
    const panel = el('div', { 'data-panel': String(n) }, `Panel ${n}: loading…`);
    panels.append(panel);
    http.get(`/api/panels/${n}`).then(
      ({ data }) => {
        panel.textContent = `Panel ${n}: ${(data as { value: number }).value}`;
        panel.classList.add('loaded');
      },
      (error) => {
        panel.textContent = `Panel ${n}: ${describe(error)}`;
        panel.classList.add('failed');
      },
    );
  }
  // The status widget goes through the app's own client, as tutorial apps do.
  http.get(`${zoo.thirdPartyOrigin}/status`).then(
    ({ data }) => {
      status.textContent = `Status: ${(data as { status: string }).status}`;
      status.classList.add('done');
    },
    (error) => {
      status.textContent = `Status: unknown (${describe(error)})`;
      status.classList.add('done');
    },
  );
}

/**
 * /settings: a theme `<select>` that saves as soon as it changes (no Save button) and confirms with
 * `window.alert`, as many settings pages do. A failed save says so and leaves the choice in place.
 */
function settingsPage() {
  const theme = el('select', { id: 'theme', name: 'theme', disabled: '' });
  for (const name of ZOO_THEMES) theme.append(el('option', { value: name }, name));
  const result = el('div', { id: 'result' });
  const label = el('label', {}, 'Theme ');
  label.append(theme);
  root.replaceChildren(nav(), el('h1', {}, 'Settings'), label, result);

  http.get('/api/settings').then(
    ({ data }) => {
      theme.value = (data as { theme: string }).theme;
      theme.disabled = false;
      theme.classList.add('loaded');
    },
    (error) =>
      result.replaceChildren(el('p', { class: 'error' }, `Could not load the settings: ${describe(error)}`)),
  );

  theme.addEventListener('change', async () => {
    result.replaceChildren();
    try {
      await http.put('/api/settings', { theme: theme.value });
      window.alert('Settings saved');
    } catch (error) {
      result.replaceChildren(el('p', { class: 'error' }, `Could not save the settings: ${describe(error)}`));
    }
  });
}

/**
 * /tasks: the tasks (`li.task`, some there from earlier runs) and a "New task" button that opens a dialog with
 * a title and Save. On success the dialog closes and the task joins the list; on failure the dialog stays open
 * with the title and an error.
 */
function tasksPage() {
  const list = el('ul', { id: 'tasks' });
  const open = el('button', { id: 'new-task', type: 'button' }, 'New task');
  const result = el('div', { id: 'result' });
  root.replaceChildren(nav(), el('h1', {}, 'Tasks'), open, list, result);

  const show = (title: string) => list.append(el('li', { class: 'task' }, title));
  http.get('/api/tasks').then(
    ({ data }) => {
      for (const task of (data as { tasks: Array<{ title: string }> }).tasks) show(task.title);
      list.classList.add('loaded');
    },
    (error) =>
      result.replaceChildren(el('p', { class: 'error' }, `Could not load the tasks: ${describe(error)}`)),
  );

  open.addEventListener('click', () => {
    if (document.querySelector('[role=dialog]')) return;
    const dialog = el('div', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'new-task-title' });
    const title = el('input', { name: 'title', type: 'text', placeholder: 'What needs doing?' });
    const create = el('button', { id: 'create', type: 'button' }, 'Save');
    const cancel = el('button', { id: 'cancel', type: 'button' }, 'Cancel');
    const problem = el('div', { class: 'dialog-result' });
    dialog.append(el('h2', { id: 'new-task-title' }, 'New task'), title, create, cancel, problem);
    root.append(dialog);
    title.focus();
    cancel.addEventListener('click', () => dialog.remove());
    create.addEventListener('click', async () => {
      problem.replaceChildren();
      create.disabled = true;
      try {
        const { data } = await http.post('/api/tasks', { title: title.value });
        dialog.remove();
        show((data as { title: string }).title);
      } catch (error) {
        problem.replaceChildren(el('p', { class: 'error' }, `Could not create the task: ${describe(error)}`));
      } finally {
        create.disabled = false;
      }
    });
  });
}

function route(path: string) {
  if (!appPages.includes(path)) root.replaceChildren(el('p', {}, `No page at ${path}`));
  else if (path === '/notes') notesPage();
  else if (path === '/dashboard') dashboardPage();
  else if (path === '/settings') settingsPage();
  else if (path === '/tasks') tasksPage();
}

// In-page navigation between the app's pages, as a single-page app does.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a');
  if (!link || link.origin !== location.origin || !appPages.includes(link.pathname)) return;
  if (location.pathname === loginPath) return;
  event.preventDefault();
  history.pushState(null, '', link.pathname);
  route(link.pathname);
});
window.addEventListener('popstate', () => route(location.pathname));

async function boot() {
  if (location.pathname === loginPath) return loginPage();
  if (!(await api.resume())) return api.toLogin();
  route(location.pathname);
}

void boot();
