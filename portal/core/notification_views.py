from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.core.models import Notification
from portal.core.notifications import mark_read
from portal.core.views import paginate


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, Notification.objects.filter(user=request.user))
    return render(request, "notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points."""
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        return redirect("notifications")
    mark_read(request.user, [pk])
    return redirect(notification.url or "notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notifications")
