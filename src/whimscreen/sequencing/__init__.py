"""whimscreen.sequencing layer."""
