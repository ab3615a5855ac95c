app_name = "requests_box"
urlpatterns: list = []
