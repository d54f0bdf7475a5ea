// The web app's entry: texts first, then the login or the app itself.

import "./components/linli-app.js";
