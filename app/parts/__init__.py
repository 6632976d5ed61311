"""Dashboard parts: each has its own layout() and registers its own callbacks."""
