from django.conf import settings


def site(request):
    """Footer and header facts a deployment sets (sponsor, ICP number, contact)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_SPONSOR": settings.SITE_SPONSOR,
        "SITE_ICP_NUMBER": settings.SITE_ICP_NUMBER,
        "SITE_CONTACT": settings.SITE_CONTACT,
    }
