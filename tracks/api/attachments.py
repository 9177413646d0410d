"""/api/v1/nominations/{nomination_id}/attachments/… — a nomination's attachments through the token API (issue 14).

A provincial system meets the same rule as the portal: a cycle names its required materials
(``Cycle.required_materials``) and a nomination is recommended only with a file for each
(``tracks.services.nominations.missing_for_submit``). So it can list what is attached and what is still missing,
upload a file as ``multipart/form-data`` (``file``, and ``material``: which required material it is, blank for any
other file), and remove one. Uploads pass the portal's checks (``tracks.services.attachments``: the content decides
the type, the extension must agree, Office archives are inspected, 20 MB at most); removal only marks the file
removed, as in the portal. Who may add or remove is the portal's rule (whoever may edit the nomination's content).

The nomination comes from ``selectors.nominations_for``: another province's is a 404 on every verb. Refusals answer
the API's error shape (tracks/api/errors.py): a refused file is a 400 naming ``file`` in ``errors``, an unknown
material names ``material``, a nomination no longer editable is a 403. Files are not served here: the portal
downloads them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.response import Response

from accounts.scope import scope_of

from .. import selectors
from ..models import NominationAttachment
from ..services import attachments as attachment_services
from ..services.nominations import missing_materials
from .fields import StrictCharField
from .filters import MAX_ID
from .nominations import PortalAPIMixin

NOMINATION_PARAMETER = OpenApiParameter(
    "nomination_id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=_("推荐的编号"),
)
ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=_("附件的编号"),
)


class AttachmentSerializer(serializers.ModelSerializer):
    material = serializers.CharField(
        read_only=True, help_text=_("本批次要求的哪一项材料；其他材料为空字符串")
    )

    class Meta:
        model = NominationAttachment
        fields = ["id", "material", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class AttachmentIndexSerializer(serializers.Serializer):
    required_materials = serializers.ListField(
        child=serializers.CharField(), help_text=_("本批次要求的材料，推荐前每项须有附件")
    )
    missing_materials = serializers.ListField(
        child=serializers.CharField(), help_text=_("尚未上传附件的要求材料；为空时附件齐全")
    )
    attachments = AttachmentSerializer(many=True, help_text=_("当前附件（已移除的不列出）"))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF、JPEG/PNG 图片或 Word（.docx）、Excel（.xlsx）文件，不超过20MB"),
        allow_empty_file=True,  # an empty file is refused by the service, in its words
    )
    material = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=64,
        help_text=_("本批次要求的哪一项材料（须与 required_materials 中的一项完全一致）；其他材料留空"),
    )


def _bounded_id(value) -> int:
    """A path id as a whole number in [1, MAX_ID]; anything else is an id that does not exist."""
    text = str(value or "")
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise Http404
    return int(text)


@extend_schema_view(
    create=extend_schema(
        parameters=[NOMINATION_PARAMETER],
        request=AttachmentUploadSerializer,
        responses={201: AttachmentSerializer},
    ),
    retrieve=extend_schema(
        operation_id="nominations_attachments_retrieve",
        parameters=[NOMINATION_PARAMETER, ID_PARAMETER],
        responses=AttachmentSerializer,
    ),
    destroy=extend_schema(parameters=[NOMINATION_PARAMETER, ID_PARAMETER], responses={204: None}),
)
class NominationAttachmentViewSet(PortalAPIMixin, viewsets.GenericViewSet):
    """推荐附件: list a nomination's attachments and the required materials still missing; upload; remove."""

    serializer_class = AttachmentSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "post", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Another province's nomination, or one that does not exist, is a 404 on every verb, OPTIONS included.
        self.nomination = get_object_or_404(
            selectors.nominations_for(scope_of(request)), pk=_bounded_id(kwargs.get("nomination_id"))
        )

    def get_queryset(self):
        return NominationAttachment.objects.filter(
            nomination=self.nomination, removed_at__isnull=True
        ).order_by("uploaded_at", "pk")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=_bounded_id(self.kwargs.get("pk")))

    # ``index``, not ``list``: the answer is one object (the requirements beside the files), not an array.
    @extend_schema(
        operation_id="nominations_attachments_list",
        parameters=[NOMINATION_PARAMETER],
        responses=AttachmentIndexSerializer,
    )
    def index(self, request, *args, **kwargs):
        """The cycle's required materials, those still without a file, and the current attachments."""
        body = {
            "required_materials": self.nomination.cycle.material_names,
            "missing_materials": missing_materials(self.nomination),
            "attachments": self.get_queryset(),
        }
        return Response(AttachmentIndexSerializer(body).data)

    def retrieve(self, request, *args, **kwargs):
        """One current attachment's description (the file itself is downloaded in the portal)."""
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        """Upload a file (multipart/form-data), checked like the portal's uploads; ``material`` names which
        required material it is."""
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            attachment = attachment_services.attachment_add(
                actor=request.user,
                nomination=self.nomination,
                uploaded=body.validated_data["file"],
                material=body.validated_data["material"],
                request=request,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            # The file's checks name no field: the file is what was refused.
            raise DjangoValidationError({"file": error.error_list}) from None
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        """Remove an attachment (it is kept on record as removed, as in the portal)."""
        attachment = self.get_object()
        attachment.nomination = self.nomination
        attachment_services.attachment_remove(actor=request.user, attachment=attachment, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Routes (tracks/api/portal_urls.py): named like a router's, with its parameter patterns.
attachment_list = NominationAttachmentViewSet.as_view({"get": "index", "post": "create"})
attachment_detail = NominationAttachmentViewSet.as_view({"get": "retrieve", "delete": "destroy"})
