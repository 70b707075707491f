"""(Being built: see the page's brief.)"""
