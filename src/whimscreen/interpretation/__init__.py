"""whimscreen.interpretation layer."""
