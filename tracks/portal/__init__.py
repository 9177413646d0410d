"""The provincial portal (/portal/): the zones' committees prepare nominations, provincial officials recommend them.

Pages in Chinese on the public site's look, for users bound to a province (省级主管部门) or a zone (高新区管委会);
everything they see comes from tracks.selectors, every change goes through tracks.services.
"""
