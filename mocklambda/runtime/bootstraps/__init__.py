"""Runtime clients that run inside function processes, shipped as data files and run by path (python/, node/).

Nothing here is imported by mocklambda itself: these scripts run under the function's interpreter, use only that
language's standard library, and talk to the mock through the Lambda Runtime API alone.
"""
