'use strict';
// Signs in with the configured console users; the session cookie is HttpOnly, so the page never sees it.
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.hidden = true;
  const response = await fetch('/login', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Requested-With': 'console'},
    body: JSON.stringify({
      username: document.getElementById('username').value,
      password: document.getElementById('password').value,
    }),
  });
  if (response.ok) {
    window.location.replace('/');
    return;
  }
  const problem = await response.json().catch(() => ({}));
  error.textContent = problem.detail || 'Sign-in failed.';
  error.hidden = false;
});
