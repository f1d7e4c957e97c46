"""The static site served for real: nginx and Apache from Debian (``.ci/run`` installs them), each in the
foreground on a free port of 127.0.0.1 with the rules `koko site` wrote, stopped when the block ends."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import server_process
from koko.release.published import Published
from koko.site.static_site import write_site
from tools import free_port


@contextlib.contextmanager
def site_folder(published: Published) -> Iterator[Path]:
    """The site in a folder that the web servers' unprivileged workers may read."""
    parent = Path(tempfile.mkdtemp(prefix="koko-site-", dir="/tmp"))
    try:
        parent.chmod(0o755)
        write_site(published, parent / "site")
        yield parent / "site"
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def nginx_config(site: Path, port: int, run: Path) -> list[str]:
    rules = (site / "nginx.conf").read_text(encoding="utf-8")
    rules = rules.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("root /srv/koko-kg;", f"root {site};")
    temp = "\n".join(f"  {kind}_temp_path {run / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    head = f"pid {run / 'nginx.pid'};\nerror_log {run / 'error.log'};\nevents {{}}\n"
    (run / "nginx.conf").write_text(f"{head}http {{\n  access_log off;\n{temp}\n{rules}\n}}\n", encoding="utf-8")
    return ["nginx", "-c", str(run / "nginx.conf"), "-p", str(run), "-g", "daemon off; master_process off;"]


APACHE_MODULES = ("mpm_event", "authz_core", "mime", "rewrite", "headers", "dir")


def apache_config(site: Path, port: int, run: Path) -> list[str]:
    modules = "\n".join(f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES)
    (run / "httpd.conf").write_text(
        f"""ServerRoot /etc/apache2
{modules}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile {run / "httpd.pid"}
ErrorLog {run / "error.log"}
TypesConfig /etc/mime.types
DocumentRoot {site}
DirectoryIndex index.html
<Directory {site}>
  AllowOverride All
  Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    return ["apache2", "-f", str(run / "httpd.conf"), "-DFOREGROUND"]


WEB_SERVERS = {"nginx": nginx_config, "apache2": apache_config}


@contextlib.contextmanager
def hosting(name: str, site: Path, run: Path, port: int | None = None) -> Iterator[str]:
    """``name`` (a key of :data:`WEB_SERVERS`) serving ``site``: its root URL without the trailing '/'.
    Skips the test where the web server is not installed."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    binary = shutil.which(name, path=search)
    if binary is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it from Debian)")
    port = port or free_port()
    command = WEB_SERVERS[name](site, port, run)
    with server_process([binary, *command[1:]], f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"
