"""An upload handler that stops reading a request's files once they pass the portal's upload limit.

Django would otherwise write the whole body to a temporary file before any view could look at its
size. The handler sits first in FILE_UPLOAD_HANDLERS; the view finds `request.upload_too_large` set
and answers with a message instead of an empty form.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request=None) -> None:  # noqa: ANN001
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.PORTAL_IMPORT_LIMITS["upload_bytes"]:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)  # the rest of the body is read and dropped, not stored
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file
