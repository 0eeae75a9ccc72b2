"""Headers on every API answer, errors included.

Any API answer may carry personal data (names, ID and bank-card numbers): it is never cached, never
sniffed into another type, and a page the API serves (a voucher to print) is never framed.
"""

API_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
