import { DashboardPage } from './pages/dashboard-page.js';
import { LoginPage } from './pages/login-page.js';
import { ProfilePage } from './pages/profile-page.js';
import { navigate, usePath } from './router.js';
import type { Variant } from './variant.js';

export function App({ variant }: { variant: Variant }) {
  const path = usePath();
  const { base, Shell } = variant;
  const page = path.slice(base.length) || '/';

  if (page.startsWith('/login')) return <LoginPage variant={variant} />;
  if (!variant.auth.hasSession() || page === '/') {
    queueMicrotask(() =>
      navigate(`${base}${variant.auth.hasSession() ? '/settings/profile' : '/login'}`, { replace: true }),
    );
    return null;
  }
  return (
    <Shell>
      <header className="bar">
        <strong>expiryproof demo · {variant.name}</strong>
        <nav>
          <a href={`${base}/settings/profile`} onClick={link(`${base}/settings/profile`)}>
            Profile
          </a>
          <a href={`${base}/dashboard`} onClick={link(`${base}/dashboard`)}>
            Dashboard
          </a>
          <button type="button" onClick={() => variant.auth.signOut().then(() => navigate(`${base}/login`))}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        {page === '/settings/profile' && <ProfilePage api={variant.api} drafts={variant.drafts} />}
        {page === '/dashboard' && <DashboardPage api={variant.api} />}
        {page !== '/settings/profile' && page !== '/dashboard' && <p>Nothing here.</p>}
      </main>
    </Shell>
  );
}

function link(path: string) {
  return (event: React.MouseEvent) => {
    event.preventDefault();
    navigate(path);
  };
}
