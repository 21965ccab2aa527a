"""The admin screens (pages); their data comes from the admin API (console/api/admin)."""
