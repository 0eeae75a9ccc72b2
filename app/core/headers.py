"""Headers on every API answer, errors included, and on every HTML page.

Any API answer may carry personal data (names, ID and bank-card numbers): it is never cached, never
sniffed into another type, and a page the API serves (a voucher to print) is never framed.

Every HTML page (the console, the voucher print pages, the API docs) runs scripts and loads styles from
this server only (``HTML_CSP``; styles may be inline, scripts never), is never framed and never sniffed.
"""

API_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

HTML_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HTML_HEADERS = {
    "Content-Security-Policy": HTML_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
