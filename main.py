import flet as ft
from audit_app.app import main
ft.run(main)
