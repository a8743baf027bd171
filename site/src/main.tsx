// Starts the shop: reads /config.json, completes a return from sign-in, then renders.
import { render } from "preact";
import { ShopApi } from "./api";
import { App } from "./app";
import { Auth } from "./auth";
import { Cart } from "./cart";
import { loadRuntimeConfig } from "./config";
import { navigate } from "./router";
import { ShopContext } from "./shop";
import { Tracker } from "./tracker";
import "./styles.css";

async function start(root: HTMLElement) {
  const config = await loadRuntimeConfig();
  const auth = new Auth(config);
  const outcome = await auth.start();
  // The hosted UI's code and state never stay in the address bar (nor in a page_view).
  if (outcome.kind === "signed-in") navigate(outcome.returnTo, { replace: true });
  else if (outcome.kind === "failed") navigate("/", { replace: true });
  const idToken = () => auth.idToken();
  const api = new ShopApi(config.apiUrl, idToken);
  const tracker = new Tracker({ apiUrl: config.apiUrl, idToken, isSignedIn: () => auth.user.get() !== null });
  tracker.start();
  const cart = new Cart();
  root.textContent = "";
  render(
    <ShopContext.Provider value={{ api, auth, cart, tracker }}>
      <App outcome={outcome} />
    </ShopContext.Provider>,
    root,
  );
}

const root = document.getElementById("app")!;
start(root).catch((error: unknown) => {
  console.error(error);
  root.innerHTML = "";
  const message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = "The shop could not start. Please reload the page in a moment.";
  root.append(message);
});
