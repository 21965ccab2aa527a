"""The admin page speaks the admin's language, its widget and sign-off sections too."""


def test_the_widget_and_authority_sections_are_in_spanish(client, session, login, admin):
    admin.locale = "es"
    session.commit()
    login(admin)
    page = client.get("/admin/").get_data(as_text=True)
    for said in ("Widgets de chat", "Guardar widget", "Antes del chat, pedir",
                 "Autoridad de aprobación", "Guardar requisitos", "Cualificaciones"):
        assert said in page, said
    for english in ("Save widget", "Save authority", "Before the chat, ask for"):
        assert english not in page, english
