"""Every element id in one place; the first block is the contract in SPEC.md."""
START, PAUSE, RESET = "start-button", "pause-button", "reset-button"
STEP_COUNTER = "step-counter"
SAMPLES_GRAPH, ACCURACY_GRAPH = "samples-graph", "accuracy-graph"
LATENT_SIZE, HIDDEN_NODES, LEARNING_RATE = "latent-size", "hidden-nodes", "learning-rate"
TARGET = "target-function"
STATUS = "status"

SPEED = "speed"
SESSION = "session-id"
VIEW = "view-state"  # what this tab has drawn: run id, last history iteration, data version
NOTICE = "notice"  # the last refused input, shown in the status line
TICK = "tick"
HEARTBEAT = "heartbeat"
URL = "url"
SEED_PIN = "seed-pin"
QUALITY_GRAPH = "quality-graph"
LOSS_GRAPH = "loss-graph"
LARGE_TYPE = "large-type"
SEED = "seed"
APP_ROOT = "app-root"
VIEW_OPTIONS = "view-options"  # how the samples are drawn (smoothed curves)

# Why it moves (issue 9): contract ids
STEP, STEP_D, STEP_G = "step-button", "step-d-button", "step-g-button"
SHOW_SURFACE, SHOW_ARROWS, SHOW_MANIFOLD = "show-surface", "show-arrows", "show-manifold"
TIMELINE = "timeline-slider"
TIMELINE_NOTE = "timeline-note"
EXPLAIN_OPTIONS = "explain-options"  # the row that holds the three toggles
ADVANCED = "advanced"  # the type of the advanced panel's pattern-matching ids
NETWORKS = "networks"  # the model overview
SLOW_MOTION = "slow-motion"
PHASES = "phase-list"  # the slow-motion phases, the current one highlighted
SHOW_CHARTS = "show-charts"  # which of the accuracy, loss and quality charts are shown
CHARTS_COLUMN = "charts"

# Classroom and sharing (issue 10): contract ids
SHARE = "share-button"
PRESENT = "present-button"
FOLLOW_CODE = "follow-code"
GALLERY = "preset-gallery"
COMPARE = "compare-button"
UPLOAD = "upload-data"
DOWNLOAD_SAMPLES, DOWNLOAD_GENERATOR, DOWNLOAD_RUN = "download-samples", "download-generator", "download-run"
DRAW, USE_DRAWING = "draw-data", "use-drawing"
UPLOAD_NOTE = "upload-note"  # what became of an uploaded file
UPLOAD_CHECKED = "upload-checked"  # an upload the browser found small enough, for the server
SHARE_LINK = "share-link"  # the link to this run, shown once copied
SHARE_NOTE = "share-note"
RUN_QUERY = "run-query"  # the run's settings as a query (server), the page's switches added (browser)
PAGE_QUERY = "page-query"
CONTROLS_SHOWN = "controls-shown"  # False for ?controls=hidden
