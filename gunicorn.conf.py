# One process holds every session, so: one worker, threads for concurrent requests,
# no preload (TensorFlow and threads do not survive a fork), a generous timeout.
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8050')}"
workers = 1
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = 120
preload_app = False
# The worker's heartbeat touches a file in this folder on every turn of its event loop, so on
# every request; on a disk-backed /tmp (this machine's) the gunicorn docs warn that it "may
# block a worker". In memory when the machine has it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker):
    # Dash 4.3-4.4 can fail the first request after a restart under gthread
    # (plotly/dash#3971): serve the first requests in-process before real traffic.
    from app import app, warm_up

    warm_up(app)


def worker_exit(server, worker):
    # On SIGTERM (a redeploy, a scale-down) stop every training thread before the
    # interpreter tears down under them, which aborts TensorFlow.
    from app import app

    closed = app.registry.close_all()
    server.log.info("Stopped %d training sessions before exit", closed)


def pre_request(worker, req):
    # The request threads yield the CPU to training (app.yield_to_training; GAN_REQUEST_NICE)
    from app import yield_to_training

    yield_to_training()
