"""利益联结: production bases and the enterprise + base + household links."""
