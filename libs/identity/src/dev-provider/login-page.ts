import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { escapeHtml } from './create-provider';
import { readForm, sendHtml } from './http-helpers';
import type { RealmAccounts } from './realm-accounts';

const MESSAGES = {
  invalid_credentials: 'Invalid username or password.',
  disabled: 'Account is disabled, contact your administrator.',
} as const;

/**
 * The realm's login form (authorization code flow): `GET {mount}/login-actions/{uid}` shows it,
 * `POST` checks the realm user's password and resumes the authorization request. A failed login
 * shows the form again with Keycloak's message (HTTP 200, as Keycloak does).
 */
export async function handleLoginAction(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { provider: Provider; accounts: RealmAccounts; realmDisplayName: string },
): Promise<void> {
  const details = await deps.provider.interactionDetails(req, res);
  const action = req.url ?? '';

  if (details.prompt.name !== 'login') {
    // Consent never needs the user (Keycloak's consentRequired=false): the grant is made up front.
    await deps.provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    sendHtml(res, 200, loginForm({ action, realm: deps.realmDisplayName, username: loginHint(details.params) }));
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST' }).end();
    return;
  }
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  const check = deps.accounts.checkCredentials(username, form.get('password') ?? '');
  if (!check.ok) {
    sendHtml(res, 200, loginForm({ action, realm: deps.realmDisplayName, username, error: MESSAGES[check.reason] }));
    return;
  }
  await deps.provider.interactionFinished(req, res, { login: { accountId: check.user.id } }, { mergeWithLastSubmission: false });
}

function loginHint(params: Record<string, unknown>): string {
  return typeof params.login_hint === 'string' ? params.login_hint : '';
}

function loginForm(view: { action: string; realm: string; username: string; error?: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to ${escapeHtml(view.realm)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
  <h1>Sign in to your account</h1>
  ${view.error ? `<p id="input-error" role="alert">${escapeHtml(view.error)}</p>` : ''}
  <form id="kc-form-login" method="post" action="${escapeHtml(view.action)}">
    <label for="username">Username or email</label>
    <input id="username" name="username" type="text" autocomplete="username" autofocus value="${escapeHtml(view.username)}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password">
    <button id="kc-login" type="submit">Sign In</button>
  </form>
</body>
</html>`;
}
