"""The evaluation domain's routes: the one place that hands the app this domain's controllers."""

from litestar import Router

from app.evaluation.controllers import LinkageEvaluationController

router = Router(path="/api/v1", route_handlers=[LinkageEvaluationController])
