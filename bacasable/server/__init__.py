"""Serving the workbook with Voilà on the workshop's Wi-Fi. Imports workshop and below."""
