"""Cases: reading and changing them, their timeline, digest and worklists, landing contacts."""
