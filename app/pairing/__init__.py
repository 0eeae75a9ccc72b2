"""千企帮千村: enterprises paired with villages, and the support they give them."""
