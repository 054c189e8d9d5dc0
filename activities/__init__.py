"""I/O adapters run as Temporal activities: notifications, the notes archive, open roles."""
