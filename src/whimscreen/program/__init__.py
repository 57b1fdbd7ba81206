"""whimscreen.program layer."""
