"""WebSocket building blocks shared by client and server (RFC 6455, RFC 7692)."""
