"""`python -m app`: serve the dashboard (127.0.0.1:8050 unless --host/--port/PORT say)."""
import argparse
import os
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Serve the GAN training dashboard.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8050"))
    parser.add_argument("--debug", action="store_true", help="Dash dev tools (never in production)")
    parser.add_argument("--log-requests", action="store_true", help="log one line per HTTP request")
    args = parser.parse_args(argv)
    try:
        port = int(args.port)
        if not 1 <= port <= 65535:
            raise ValueError
    except ValueError:
        print(f"python -m app: error: port must be a whole number from 1 to 65535; got {args.port!r}", file=sys.stderr)
        return 2
    if not (args.log_requests or args.debug):  # a page ticks several times a second
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from werkzeug.serving import WSGIRequestHandler

    from app import app, warm_up, yield_to_training

    class Handler(WSGIRequestHandler):  # a thread a request: each yields to training first
        def handle(self):
            yield_to_training()
            super().handle()

    warm_up(app)
    app.run(host=args.host, port=port, debug=args.debug, use_reloader=False, threaded=True,
            request_handler=Handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
