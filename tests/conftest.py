import threading

import pytest


@pytest.fixture
def no_leaked_threads():
    """Fails a test that leaves a training thread behind."""
    before = {t.ident for t in threading.enumerate()}
    yield
    extra = [t for t in threading.enumerate() if t.ident not in before and t.name.startswith("gan-")]
    for t in extra:
        t.join(timeout=10)
    assert not [t for t in extra if t.is_alive()], "training threads left running"
