import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type Me } from './api.ts';
import { Dashboard } from './dashboard.tsx';
import './style.css';

function Login(props: { onLogin: (m: Me) => void }) {
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    try {
      props.onLogin(
        await api<Me>('/api/login', {
          method: 'POST',
          body: { username: f.get('username'), password: f.get('password') },
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h1>Walkout operator</h1>
      <label>
        Username <input name="username" autocomplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit">Log in</button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/me').then(setMe, () => setMe(null));
  }, []);
  const logout = useCallback(() => setMe(null), []);
  if (me === undefined) return <p>Loading…</p>;
  if (me === null) return <Login onLogin={setMe} />;
  return <Dashboard me={me} onLogout={logout} />;
}

render(<App />, document.getElementById('app') as HTMLElement);
