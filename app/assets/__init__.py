"""扶贫项目资产: assets the poverty-relief funds built, their ownership, operation, income and its distribution."""
