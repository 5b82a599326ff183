"""The HTTP API: the documented InstallCloudAssistant request form over a WSGI handler."""
