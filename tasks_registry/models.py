# Task admission models arrive with issue 5.
