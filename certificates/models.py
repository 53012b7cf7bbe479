# Certificate models arrive with issue 6.
