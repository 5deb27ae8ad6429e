"""Running the same call from several threads at the same moment (a double click, a retried
request), each thread on its own database connection."""

import threading

from django.db import connections


def at_once(action, *, times, before=None, timeout=30):
    """Run `action` in `times` threads released together at a barrier; returns (results,
    errors) in the order the threads finished. `before()`, when given, runs in each thread
    ahead of the barrier (signing a client in, say) and its result is `action`'s argument."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            prepared = before() if before else None
            barrier.wait(timeout=timeout)
            results.append(action(prepared) if before else action())
        except Exception as error:  # reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    return results, errors
