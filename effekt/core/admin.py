from django.contrib import admin

from .models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["time", "user_name", "action", "content_type", "object_repr", "message"]
    # The log of ten years is hundreds of thousands of records: no date hierarchy (it reads every
    # record's year before showing anything: a quarter of a second, a second with a search) and
    # one count, of what is shown; the change log page (/historik/) reads it page by page.
    list_filter = ["action", "content_type", "time"]
    search_fields = ["user_name", "object_repr", "message"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
