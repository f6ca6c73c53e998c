package io.keelmq.jms;

import jakarta.jms.TextMessage;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Another provider's TextMessage, as a dynamic proxy: headers in a map, one String property, a text body. */
final class ForeignMessages {
    private ForeignMessages() {
    }

    static TextMessage text(String body, String propertyName, String propertyValue) {
        Map<String, Object> headers = new HashMap<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(propertyName, propertyValue);
        headers.put("Text", body);
        headers.put("JMSDeliveryMode", 2);
        headers.put("JMSPriority", 4);
        return (TextMessage) Proxy.newProxyInstance(ForeignMessages.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    switch (name) {
                        case "getPropertyNames":
                            return Collections.enumeration(properties.keySet());
                        case "getObjectProperty":
                        case "getStringProperty":
                            return properties.get((String) args[0]);
                        case "setStringProperty":
                        case "setObjectProperty":
                            properties.put((String) args[0], args[1]);
                            return null;
                        case "toString":
                            return "ForeignTextMessage";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            break;
                    }
                    if (name.startsWith("set") && args != null && args.length == 1) {
                        headers.put(name.substring(3), args[0]);
                        return null;
                    }
                    if (name.startsWith("get")) {
                        Object value = headers.get(name.substring(3));
                        Class<?> type = method.getReturnType();
                        if (value == null && type == long.class) {
                            return 0L;
                        }
                        if (value == null && type == int.class) {
                            return 0;
                        }
                        if (value == null && type == boolean.class) {
                            return false;
                        }
                        return value;
                    }
                    throw new UnsupportedOperationException(name);
                });
    }
}
