"""What the nginx tests run, taken from docs/deployment.md itself.

The page prints the site file a user drops into ``/etc/nginx/conf.d/``
(upstream, server, locations) and the application module ``myapp.py``,
each in the fenced block after a marker comment (below). The tests read
those very blocks, so the page cannot drift from what is tested: the site
file with its deployment paths and port swapped for a temporary directory
and a free loopback port, the module as written. ``MAIN`` is the part a
packaged nginx already has in ``/etc/nginx/nginx.conf``; the tests need
their own, with every path (pid, logs, temporary files) in their
directory.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
from pathlib import Path

DOCS_PAGE = Path(__file__).resolve().parents[3] / "docs" / "deployment.md"

#: The comments that precede the tested blocks on the page.
SITE_MARKER = "<!-- nginx site: tests-integration/deployment renders this block -->"
APP_MARKER = "<!-- myapp.py: tests-integration/deployment runs this block -->"

#: What the site file names for a production host.
LISTEN = "listen 80;"
SOCKET_DIR = "/run/myapp/"
STATIC_ROOT = "root /srv/myapp;"

MAIN = """\
# Written by the tests: an nginx of their own, in the foreground.
{user}
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log info;

events {{
    worker_connections 64;
}}

http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/temp/client_body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    default_type application/octet-stream;
    types {{
        text/css css;
        text/plain txt;
    }}

    include {prefix}/site.conf;
}}
"""


def site_from_docs(page: Path = DOCS_PAGE) -> str:
    """The site file printed on the deployment page, as printed."""
    return _block_after(page, SITE_MARKER, "nginx")


def app_from_docs(page: Path = DOCS_PAGE) -> str:
    """The application module ``myapp.py`` printed on the deployment page."""
    return _block_after(page, APP_MARKER, "python")


def _block_after(page: Path, marker: str, language: str) -> str:
    text = page.read_text(encoding="utf-8")
    pattern = re.escape(marker) + rf"\s*```{language}\n(.*?)```"
    found = re.search(pattern, text, re.DOTALL)
    if found is None:
        raise AssertionError(f"{page} has no ```{language} block after {marker!r}")
    return found.group(1)


def render_site(site: str, *, port: int, socket_dir: Path, static_root: Path) -> str:
    """``site`` listening on ``127.0.0.1:port``, with the tests' paths."""
    swaps = {
        LISTEN: f"listen 127.0.0.1:{port};",
        SOCKET_DIR: f"{socket_dir}/",
        STATIC_ROOT: f"root {static_root};",
    }
    for production, tested in swaps.items():
        # A page edit that drops one of these must fail here, loudly.
        assert production in site, f"the site file no longer says {production!r}"
        site = site.replace(production, tested)
    return site


def render_main(prefix: Path) -> str:
    """The main context for an nginx whose files all live under ``prefix``."""
    return MAIN.format(prefix=prefix, user=_user_directive())


def _user_directive() -> str:
    """Workers as the tests' own user (not ``nobody``) to reach their files.

    ``user`` applies only to a master started as root; elsewhere nginx
    would warn that it ignores it.
    """
    if os.geteuid() != 0:
        return ""
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    return f"user {user} {group};"
