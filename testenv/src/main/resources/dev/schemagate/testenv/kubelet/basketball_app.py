"""Stands in for basketball-api in its image, as testenv's BasketballApp does on the local node.

Like the real app it needs the schema of its release: the table named by $BASKETBALL_API_REQUIRES
(teams, from migration 008; players for 1.7). Started against an older schema it exits non-zero,
which under a Deployment is a CrashLoopBackOff. Otherwise it serves /healthz on $PORT (8000).
"""
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2


def main() -> None:
    table = os.environ.get("BASKETBALL_API_REQUIRES", "teams")
    port = int(os.environ.get("PORT", "8000"))
    try:
        with psycopg2.connect(os.environ["DATABASE_URL"]) as db, db.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", (table,))
            if cursor.fetchone()[0] is None:
                print(
                    f'basketball-api: relation "{table}" does not exist: the schema is too old'
                    " for this release",
                    file=sys.stderr,
                )
                sys.exit(1)
    except psycopg2.Error as e:
        print(f"basketball-api: cannot use the database: {e}".strip(), file=sys.stderr)
        sys.exit(1)

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 200 if self.path == "/healthz" else 404
            body = b"ok\n" if status == 200 else b"not found\n"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # probes every few seconds: no log line each
            pass

    server = ThreadingHTTPServer(("0.0.0.0", port), Health)
    print(f"basketball-api: serving on port {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
