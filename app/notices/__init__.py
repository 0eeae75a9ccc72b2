"""公示: public notices posted in a village for a minimum number of days, with the objections raised to them."""
