"""脱贫 and after: the exit test, and the watch on exited households against return to poverty."""
