"""Small pieces any part may use: settings, French dates, slugs, static pages. Imports no part."""
