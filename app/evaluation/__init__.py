"""联农带农: the benefit-linkage evaluation of operators (issue 15, point 4). Reads, owns no table."""
