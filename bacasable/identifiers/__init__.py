"""French identifiers (NIR, IBAN, phone, e-mail) and real personal data. Imports scenario."""
