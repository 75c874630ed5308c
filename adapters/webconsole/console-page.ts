/**
 * The console's HTML shell. It holds no data at all: the script (a static file, allowed by the CSP) fetches
 * the session and the cards as JSON and builds the DOM with textContent, so alert or model text can never
 * become markup. Only the demo banner differs between the variants; it is loudest when AWOOOI_DEMO=true
 * opened the demo to the network.
 */
export function renderConsolePage(options: { demoMode: boolean; demoOnNetwork?: boolean }): string {
  const banner = !options.demoMode
    ? ''
    : options.demoOnNetwork
      ? `
  <div class="demo-banner demo-banner-network" id="demo-banner" role="alert">
    <strong>DEMO — OPEN TO THE NETWORK</strong> AWOOOI_DEMO=true: anyone who can reach this address can sign in
    as a demo person, the CTO and the CISO included, and sign approvals. Configure <code>approvals.people</code>
    and a webhook token for real use.
  </div>`
      : `
  <div class="demo-banner" id="demo-banner" role="note">
    <strong>DEMO</strong> No people are configured: anyone who can open this page can sign in as a demo person
    and sign approvals. Configure <code>approvals.people</code> for real use.
  </div>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="dark">
  <title>AWOOOI — on-call console</title>
  <link rel="stylesheet" href="/console/static/console.css">
  <script type="module" src="/console/static/console.js"></script>
</head>
<body>
  <header class="topbar">
    <div class="brand">AWOOOI <span class="brand-sub">on-call console</span></div>
    <div class="connection" id="connection" data-state="connecting">connecting…</div>
    <div class="auth" id="auth"></div>
  </header>${banner}
  <main>
    <div class="notice" id="notice" role="status" hidden></div>
    <section class="cards" id="cards" aria-live="polite"></section>
    <p class="empty" id="empty" hidden>No incidents. Quiet night.</p>
  </main>
  <noscript><p class="notice">The console needs JavaScript.</p></noscript>
</body>
</html>
`;
}
